"""Settings shared by every environment; what differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("WEIKETANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "media",
    "lessons",
    "quizzes",
    "progress",
    "dashboards",
    "wagtailmedia",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "cms.users_admin.apps.WeiketangUsersAppConfig",  # wagtail.users + profile fields
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "treebeard",
    "axes",
    "ninja",  # its Swagger UI from our own static files, never a CDN
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.WeiketangCSPMiddleware",
    "config.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.accounts.address_throttle.AddressThrottleMiddleware",
    "cms.accounts.first_password.FirstPasswordMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # An unreachable database fails in seconds (and /healthz says so) instead of
    # hanging on the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"  # noqa: E501
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"

# Languages: Simplified Chinese first, English selectable.
LANGUAGE_CODE = "zh-hans"
# Each language is named in itself (as language switchers do), so untranslated.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# locale/ is ours (makemessages); locale_wagtail/ adds Chinese for Wagtail admin
# strings that Wagtail's own zh_Hans catalogue lacks (hand-kept).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = (
    [BASE_DIR / "static_build"] if (BASE_DIR / "static_build").is_dir() else []
)
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "uploads"))
FILE_UPLOAD_PERMISSIONS = 0o644
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# JSON API: the request body limit of every endpoint that does not set its own
# with config.api_kit.body_limit (413 with a JSON error above it).
API_BODY_LIMIT_BYTES = int(os.environ.get("API_BODY_LIMIT_BYTES", str(16 * 1024)))
# The CSRF cookie lives as long as a session (Django's default is a year).
CSRF_COOKIE_AGE = None

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Object storage (DJANGO_DEFAULT_STORAGE=storages.backends.s3.S3Storage): a private
# bucket; every object is reached through a presigned URL (media/serving.py).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_S3_FILE_OVERWRITE = True

# Wagtail
WAGTAIL_SITE_NAME = "微课堂 Weiketang"
# No English upgrade notice or "what's new" banner for trainers (and no calls to
# wagtail.org from closed district networks).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAILMEDIA = {
    "MEDIA_MODEL": "media.Video",
    # Probes every upload (ffprobe, bounded) so a refused file shows its reason.
    "MEDIA_FORM_BASE": "media.forms.VideoForm",
    "AUDIO_EXTENSIONS": ["aac", "m4a", "mp3", "oga", "ogg", "wav", "flac", "opus"],
    "VIDEO_EXTENSIONS": ["mp4", "m4v", "mov", "mkv", "webm", "avi", "3gp"],
}
# Wagtail's own background work (search index, reference index) stays in-process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Cache and broker
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast (and let /healthz say so) instead of hanging requests.
            "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 3},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery. The longest task is a transcode: its hard limit must stay below the
# visibility timeout, or Redis hands the still-running task to a second worker.
# Three hours: a 30-minute 1080p upload transcoded at 0.22x realtime on a loaded
# 2-core machine (bench/transcode.py) needs about 2.3 h. A dead worker's job does
# not wait this long: its lease expires and reconciliation re-sends it.
CELERY_TASK_HARD_TIME_LIMIT_MAX = int(
    os.environ.get("CELERY_TASK_HARD_TIME_LIMIT_MAX", str(3 * 3600))
)
CELERY_VISIBILITY_TIMEOUT = CELERY_TASK_HARD_TIME_LIMIT_MAX + 600
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Without it kombu keeps its exchange tables in ./control, wherever the
        # worker was started (the repository, under `make run`).
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"media.tasks.*transcode*": {"queue": "transcode"}}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}

# Login throttling: lock a username+IP after repeated failures, for a cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# The client address is the one the outermost of our own proxies saw: with N
# trusted proxies in front, the Nth X-Forwarded-For entry from the right. With
# none, X-Forwarded-For is ignored, since a client could forge it to dodge lockout.
WEIKETANG_TRUSTED_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
# A second limit by address alone (cms/accounts/address_throttle.py): 10 failures
# in 15 min free, then one attempt per 10 s, locked at 50 until the window ends.
LOGIN_ADDRESS_SLOW_AFTER = int(os.environ.get("LOGIN_ADDRESS_SLOW_AFTER", "10"))
LOGIN_ADDRESS_SLOW_SECONDS = int(os.environ.get("LOGIN_ADDRESS_SLOW_SECONDS", "10"))
LOGIN_ADDRESS_LOCK_AFTER = int(os.environ.get("LOGIN_ADDRESS_LOCK_AFTER", "50"))
LOGIN_ADDRESS_WINDOW_SECONDS = int(
    os.environ.get("LOGIN_ADDRESS_WINDOW_SECONDS", "900")
)
AXES_CLIENT_IP_CALLABLE = "cms.accounts.client_ip.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Login records hold IP addresses: keep them no longer than an audit needs.
WEIKETANG_LOGIN_LOG_RETENTION_DAYS = int(
    os.environ.get("LOGIN_LOG_RETENTION_DAYS", "90")
)
CELERY_BEAT_SCHEDULE["cms-expire-login-records"] = {
    "task": "cms.accounts.tasks.expire_login_records",
    "schedule": 6 * 60 * 60,
}

# ffmpeg and media limits (uploads are hostile; see media/ffmpeg)
FFMPEG_BINARY = os.environ.get("FFMPEG_BINARY", "ffmpeg")
FFPROBE_BINARY = os.environ.get("FFPROBE_BINARY", "ffprobe")
MEDIA_MAX_DURATION_SECONDS = int(
    os.environ.get("MEDIA_MAX_DURATION_SECONDS", str(30 * 60))
)
MEDIA_MAX_WIDTH = int(os.environ.get("MEDIA_MAX_WIDTH", "3840"))
MEDIA_MAX_HEIGHT = int(os.environ.get("MEDIA_MAX_HEIGHT", "2160"))
MEDIA_MAX_UPLOAD_BYTES = int(os.environ.get("MEDIA_MAX_UPLOAD_BYTES", str(2 * 1024**3)))
MEDIA_MAX_STREAMS = int(os.environ.get("MEDIA_MAX_STREAMS", "8"))
MEDIA_TRANSCODE_MAX_ATTEMPTS = int(os.environ.get("MEDIA_TRANSCODE_MAX_ATTEMPTS", "3"))
# A transcode worker renews its claim's lease every third of this; a dead worker's
# row becomes claimable again once the lease expires.
MEDIA_TRANSCODE_LEASE_SECONDS = int(
    os.environ.get("MEDIA_TRANSCODE_LEASE_SECONDS", "90")
)
# Queued rows waiting longer than this are sent again (lost broker messages).
MEDIA_RECONCILE_QUEUED_AFTER_SECONDS = int(
    os.environ.get("MEDIA_RECONCILE_QUEUED_AFTER_SECONDS", "600")
)
MEDIA_PROBE_TIMEOUT_SECONDS = int(os.environ.get("MEDIA_PROBE_TIMEOUT_SECONDS", "20"))
CELERY_BEAT_SCHEDULE["media-reconcile-videos"] = {
    "task": "media.tasks.reconcile_videos",
    "schedule": 60.0,
}
# Protected playback (media/delivery.py): a lesson page's signed video URLs stay
# valid this long; a re-upload's previous outputs are kept as long again.
MEDIA_PLAY_TOKEN_SECONDS = int(os.environ.get("MEDIA_PLAY_TOKEN_SECONDS", "21600"))
# Object storage: lifetime of the presigned URLs in rewritten playlists and redirects.
MEDIA_PRESIGNED_URL_SECONDS = int(
    os.environ.get("MEDIA_PRESIGNED_URL_SECONDS", "21600")
)
# Behind nginx with file-system storage: answer authorised files with an
# X-Accel-Redirect to this internal location (aliasing MEDIA_ROOT), e.g.
# "/protected-media/"; empty: Django streams the file itself.
MEDIA_ACCEL_REDIRECT_LOCATION = os.environ.get("MEDIA_ACCEL_REDIRECT_LOCATION", "")
CELERY_BEAT_SCHEDULE["media-purge-retired-outputs"] = {
    "task": "media.tasks.purge_retired_outputs",
    "schedule": 15 * 60.0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "timestamped": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "timestamped"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default config gives "django" a console handler of its own as
        # well as propagating to the root's: every line would appear twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's request lines (make dev): once, through the root handler.
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "axes": {"level": "WARNING"},
        # Wagtail's in-process background tasks log every run at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}

# Lessons: the rendition whose data cost a lesson shows (a phone on 4G settles
# there), and the length past which the editor warns that a lesson is too long.
LESSON_DEFAULT_RENDITION = os.environ.get("LESSON_DEFAULT_RENDITION", "360p")
LESSON_WARN_MINUTES = int(os.environ.get("LESSON_WARN_MINUTES", "10"))
# Videos up to this long play their MP4 directly and never load hls.js (about
# 120 KB compressed); longer ones stream the HLS ladder (lessons/delivery.py).
LESSON_DIRECT_MP4_MAX_SECONDS = int(
    os.environ.get("LESSON_DIRECT_MP4_MAX_SECONDS", "120")
)

# Progress: a function (user, lesson) -> True/False, or None when the lesson has no
# quiz; the quizzes app sets it. Empty: no lesson has a quiz.
PROGRESS_QUIZ_RESULT = os.environ.get(
    "PROGRESS_QUIZ_RESULT", "quizzes.selectors.lesson_quiz_result"
)
# export_xapi: a function (since=...) yielding further statements; the quizzes app
# gives its graded attempts (passed / failed). Empty: events and completions only.
PROGRESS_XAPI_EXTRA = os.environ.get(
    "PROGRESS_XAPI_EXTRA", "quizzes.xapi.attempt_statements"
)
# Reminders: the morning job (Asia/Shanghai, CELERY_TIMEZONE), quiet hours when
# nothing is shown or emailed, "due soon" days, and email when mail is configured.
PROGRESS_DUE_SOON_DAYS = int(os.environ.get("PROGRESS_DUE_SOON_DAYS", "7"))
PROGRESS_QUIET_HOURS = os.environ.get("PROGRESS_QUIET_HOURS", "21:00-08:00")
PROGRESS_REMINDER_HOUR = int(os.environ.get("PROGRESS_REMINDER_HOUR", "8"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "weiketang@localhost")
PROGRESS_EMAIL_REMINDERS = bool(EMAIL_HOST)
CELERY_BEAT_SCHEDULE["progress-morning-reminders"] = {
    "task": "progress.tasks.morning_reminders",
    "schedule": crontab(hour=PROGRESS_REMINDER_HOUR, minute=0),
}
CELERY_BEAT_SCHEDULE["progress-email-reminders"] = {
    "task": "progress.tasks.email_reminders",
    "schedule": 10 * 60.0,
}

# Timed quiz attempts left open past their deadline are graded within a minute.
CELERY_BEAT_SCHEDULE["quizzes-submit-expired-attempts"] = {
    "task": "quizzes.tasks.submit_expired_attempts",
    "schedule": 60.0,
}

# Dashboards: pre-aggregated figures follow the events within a minute.
CELERY_BEAT_SCHEDULE["dashboards-refresh-dirty-stats"] = {
    "task": "dashboards.tasks.refresh_dirty_stats",
    "schedule": 30.0,
}

# Content-Security-Policy (django-csp; config/middleware.py picks the policy).
# The learner site: nothing inline, scripts (hls.js included) from our own static
# files; video, posters, captions and the HLS requests from here or the storage's
# origin (an absolute DJANGO_MEDIA_URL, plus CSP_MEDIA_ORIGINS); hls.js feeds the
# <video> from a blob: MediaSource and may start its worker from a blob: URL.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")
if "://" in MEDIA_URL:
    _scheme, _rest = MEDIA_URL.split("://", 1)
    CSP_MEDIA_ORIGINS.append(f"{_scheme}://{_rest.split('/', 1)[0]}")
_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:", *CSP_MEDIA_ORIGINS],
        "media-src": [_SELF, "blob:", *CSP_MEDIA_ORIGINS],
        "connect-src": [_SELF, *CSP_MEDIA_ORIGINS],
        "worker-src": [_SELF, "blob:"],
        "font-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        # Wagtail's preview shows pages in a same-origin frame.
        "frame-ancestors": [_SELF],
    }
}
# The Wagtail admin (and the staff-only API docs) still need inline scripts and
# styles; everything else stays on our own origin and the storage's.
WEIKETANG_CSP_ADMIN_PREFIXES = ["/admin/", "/api/docs", "/documents/"]
WEIKETANG_ADMIN_CSP = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [_SELF, "'unsafe-inline'"],
        "style-src": [_SELF, "'unsafe-inline'"],
        "img-src": [_SELF, "data:", "blob:", *CSP_MEDIA_ORIGINS],
        "font-src": [_SELF, "data:"],
        "frame-src": [_SELF],
    }
}
# A closed district network: no avatars from gravatar, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# "off" lets the progress API's commit return before the WAL reaches disk (a
# database crash may lose the last fraction of a second of events); on by default.
PROGRESS_SYNCHRONOUS_COMMIT = env_bool("PROGRESS_SYNCHRONOUS_COMMIT", True)

# The progress ingest's two statements are prepared once per database connection
# (progress.services.ingest_pg). Off for a transaction-pooling proxy that cannot
# keep prepared statements (PgBouncer before 1.21).
PROGRESS_PREPARED_STATEMENTS = env_bool("PROGRESS_PREPARED_STATEMENTS", True)
