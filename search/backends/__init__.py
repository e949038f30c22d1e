"""Search backends; each module exports one :class:`~search.base.SearchBackend` subclass.
``search.registry.get_backend`` picks one by settings."""
