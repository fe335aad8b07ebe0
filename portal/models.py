"""Every model of every domain, imported so the metadata is complete (migrations, tests).

Only alembic's environment and the tests import this; domains import their own models.
"""

from portal.activity import models as _activity  # noqa: F401
from portal.api import stored_json as _stored_json  # noqa: F401
from portal.audit import models as _audit  # noqa: F401
from portal.auth import models as _auth  # noqa: F401
from portal.auth import tokens as _tokens  # noqa: F401
from portal.catalog import models as _catalog  # noqa: F401
from portal.datastore import models as _datastore  # noqa: F401
from portal.db import Base
from portal.harvest import models as _harvest  # noqa: F401
from portal.jobs import models as _jobs  # noqa: F401
from portal.linkcheck import models as _linkcheck  # noqa: F401
from portal.pige import models as _pige  # noqa: F401
from portal.quality import models as _quality  # noqa: F401
from portal.resource_views import models as _resource_views  # noqa: F401
from portal.series import models as _series  # noqa: F401
from portal.validation import models as _validation  # noqa: F401

metadata = Base.metadata
