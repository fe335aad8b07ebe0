"""Datos Abiertos: the open-data portal of Bolivia's public entities."""

from portal.app import create_app

__all__ = ["create_app"]
