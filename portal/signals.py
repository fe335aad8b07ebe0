"""Catalog events. Listeners (search, dumps, the PIGE registry) subscribe; the catalog never
imports them. Every signal is sent after the write has committed, with the object's id, except
``resource_saving``, sent inside the write."""

from blinker import Namespace

_signals = Namespace()

#: sender: dataset id (str). Created, updated, made private/public, resources changed.
dataset_changed = _signals.signal("dataset-changed")
#: sender: dataset id (str). Soft-deleted or purged.
dataset_deleted = _signals.signal("dataset-deleted")
#: sender: entity id (str). Renamed, retitled, deleted: datasets that show it must follow.
entity_changed = _signals.signal("entity-changed")
#: sender: theme id (str).
theme_changed = _signals.signal("theme-changed")
#: sender: the Resource (not yet committed) whose file, link, format or schema is being saved, with
#: ``actor=``. Sent inside the write's unit of work, before the commit: a receiver may refuse the
#: save by raising ``portal.errors.ValidationError`` (the publishing rule of validation does).
resource_saving = _signals.signal("resource-saving")
#: sender: resource id (str), with ``status=`` (success, failure, error). A validation run has
#: stored its report (committed); the DataStore loads the tables that passed.
resource_validated = _signals.signal("resource-validated")
#: sender: tuple of dataset ids (str). Link checks have been recorded (committed) that changed what
#: the datasets' scores read of their links: a link now answering or failing, checked for the first
#: time or at a new URL, or a new ``Last-Modified`` of its data.
links_checked = _signals.signal("links-checked")
