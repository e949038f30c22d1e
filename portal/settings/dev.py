"""The embedded default that ``make run`` serves: no services needed, everything under ``var/``.

DEBUG stays off unless asked for (``DEBUG=1 make run``) so that a newcomer sees the site as the public
will: Chinese error pages, cached public pages, the real static-file server.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", False)
# A fixed key is acceptable only because this settings module never serves the public; production.py
# refuses to start without SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789abcdef")
SERVESTATIC_USE_FINDERS = True
SERVESTATIC_AUTOREFRESH = DEBUG

# A fresh clone has no var/ yet: the SQLite database, media and uploads live there.
VAR_DIR.mkdir(parents=True, exist_ok=True)
