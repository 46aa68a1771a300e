"""ORM models. Every model module must be imported here so Alembic sees its tables."""

from scholardesk.store.models import experiments as _experiments  # noqa: F401
from scholardesk.store.models import onnx_models as _onnx_models  # noqa: F401
from scholardesk.store.models import papers as _papers  # noqa: F401
from scholardesk.store.models import papers_feed as _papers_feed  # noqa: F401
from scholardesk.store.models import papers_resolve as _papers_resolve  # noqa: F401
from scholardesk.store.models import reviews as _reviews  # noqa: F401
from scholardesk.store.models import submissions as _submissions  # noqa: F401
from scholardesk.store.models import venues as _venues  # noqa: F401
from scholardesk.store.models import zotero as _zotero  # noqa: F401
from scholardesk.store.models.base import Base
from scholardesk.store.models.library import LibraryMeta

__all__ = ["Base", "LibraryMeta"]
