"""Local development and the one-command demo (make run)."""

import warnings

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")

# Static files are served from the app folders here (no collectstatic), so STATIC_ROOT may not exist.
warnings.filterwarnings("ignore", message="No directory at")
WHITENOISE_USE_FINDERS = True
