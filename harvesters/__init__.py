"""Harvest backends, one module each, all on the template of ``portal.harvest.base``.

The portal finds them by name through ``portal.harvest.registry``; nothing in ``portal``
imports this package directly. A backend lists remote items and turns one into a dataset.
"""
