"""LabPortal settings: one module, configured from environment variables.

Safe production defaults: DEBUG is off, SECRET_KEY is required, HTTPS and
strict security headers are on unless ENVIRONMENT says development or test. Every variable is
listed in `.env.example` and the README.
"""

from pathlib import Path
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Generic admin, form and queryset classes (ModelAdmin[Model]) work at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Core ---------------------------------------------------------------------
# "production" (the default) refuses to start with DEBUG on or without SECRET_KEY;
# "development" is the local demo (`make run`), "test" is the test suite.
ENVIRONMENT = env.str("ENVIRONMENT", default="production")
if ENVIRONMENT not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"ENVIRONMENT={ENVIRONMENT!r} is not one of production, development, test."
    )
IS_PRODUCTION = ENVIRONMENT == "production"
DEBUG = env.bool("DEBUG", default=False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG is on in production. DEBUG shows personal data and settings to anyone who "
        "triggers an error: remove DEBUG (or set DEBUG=false), or set ENVIRONMENT=development "
        "on a developer machine."
    )
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # Always installed so its URLs exist; it shows no button until OIDC_SERVER_URL is set.
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "csp",
    # ours; imports flow left to right: labportal <- prototypes <- trainees <- cohorts <- reports
    "labportal.accounts",
    "labportal.core",
    "prototypes",
    "trainees",
    "cohorts",
    "reports",
    "privacy",  # personal data across every app: access requests, retention, erasure
    "demo",  # demo data (`load_demo`): may import every app, so it comes last
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # private, no-store on every answer to a signed-in user (after authentication)
    "labportal.core.middleware.PrivateNoStoreMiddleware",
    "labportal.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # sign-out after inactivity (after messages, before the MFA redirect)
    "labportal.core.middleware.SessionIdleTimeoutMiddleware",
    "labportal.accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "labportal.urls"
WSGI_APPLICATION = "labportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "labportal.core.context_processors.navigation",
            ],
        },
    },
]

# Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/labportal"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles any query its planner guesses is costly: on the board's
# headcount at national scale that took 600 ms of a 650 ms query. Web requests and
# tasks here are short queries, where compiling never pays back.
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"]["options"] = " ".join(
    filter(None, [DATABASES["default"]["OPTIONS"].get("options"), "-c jit=off"])
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, cache and Celery --------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Only the local demo sets this, when no Redis answers: tasks then run in the web process.
TASKS_IN_PROCESS = env.bool("TASKS_IN_PROCESS", default=False)

CACHES: dict[str, dict[str, object]]
if TASKS_IN_PROCESS:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Redis down must not take the site down: the cache then answers as an empty one
    # (labportal/core/cache.py), and gives up on a silent server after 2 seconds.
    CACHES = {
        "default": {
            "BACKEND": "labportal.core.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="labportal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

CELERY_BROKER_URL = "memory://" if TASKS_IN_PROCESS else REDIS_URL
# Redis gives a task whose worker died before acknowledging it (acks_late) to another
# worker after this many seconds. Keep it above the longest countdown of a retry
# (30 minutes, the outbox's cap), or a waiting retry is handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = TASKS_IN_PROCESS
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Europe/Stockholm"
# a worker heartbeat older than this makes /healthz answer 503
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=300)
# /healthz shows details (error classes, heartbeat age, failed emails) to requests from
# this host (no proxy in between) and to `Authorization: Bearer <HEALTHZ_TOKEN>`.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# Authentication and accounts ---------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "labportal.accounts.adapters.InvitationOnlyAccountAdapter"
SOCIALACCOUNT_ADAPTER = "labportal.accounts.adapters.InvitationOnlySocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
# Failed logins: at most 10 a minute per IP address, and 5 per account in 5 minutes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/300s/key")
}
# Behind a reverse proxy, the client's address is taken from X-Forwarded-For so that the
# per-IP login limits apply per person, not to the proxy. Set to the number of proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if IS_PRODUCTION else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LabPortal] "
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="LabPortal")
# Admins and lab leads must set up two-factor authentication before they reach
# personal data. Only a local demo may turn this off, and the UI says so.
REQUIRE_MFA_FOR_PRIVILEGED = env.bool("REQUIRE_MFA_FOR_PRIVILEGED", default=True)

# Single sign-on ------------------------------------------------------------
# OpenID Connect, for municipalities that have an identity provider. Empty
# OIDC_SERVER_URL turns it off. The provider must send `email` and
# `email_verified: true`; SSO signs in only people who were already invited, by
# linking to the account with the same verified email (see the adapter).
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")


def _origin(url: str, *, variable: str) -> str:
    """scheme://host[:port] of an absolute http(s) URL, for the Content-Security-Policy."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{variable}={url!r} is not an absolute http(s) URL.")
    if IS_PRODUCTION and parts.scheme != "https":
        raise ImproperlyConfigured(f"{variable}={url!r} must use https in production.")
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


SOCIALACCOUNT_PROVIDERS: dict = {}
# Origins the browser may be sent to after posting a form of ours (the SSO login
# form redirects to the identity provider); 'self' is always allowed.
FORM_ACTION_ORIGINS: list[str] = []
if OIDC_SERVER_URL:
    FORM_ACTION_ORIGINS.append(_origin(OIDC_SERVER_URL, variable="OIDC_SERVER_URL"))
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="municipality"),
                "name": env.str("OIDC_NAME", default="Kommunens inloggning"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ]
    }
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False

# Email --------------------------------------------------------------------
# Invitations and password resets arrive only by email: production needs a real server.
if IS_PRODUCTION and not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured(
        "EMAIL_URL is not set. LabPortal sends invitations and password resets by email; "
        "set EMAIL_URL to your SMTP server, for example "
        "smtp+tls://user:password@smtp.kommun.example:587 (STARTTLS) or "
        "smtps://user:password@smtp.kommun.example:465 (TLS). consolemail:// only logs them."
    )
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP connection may stall; without it a hung server holds a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LabPortal <labportal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbox delivery: attempts before an email is marked failed (temporary errors are
# retried after OUTBOX_RETRY_BASE_SECONDS, doubling each time, at most 30 minutes).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
# A worker that took an email for sending and died (killed, out of memory) leaves it
# in "sending"; after this many seconds the periodic flush marks it failed, for an
# admin to check and send again (never twice by itself). Keep it above
# CELERY_TASK_TIME_LIMIT, so a live but slow send is never taken for dead.
OUTBOX_SENDING_LEASE_SECONDS = env.int("OUTBOX_SENDING_LEASE_SECONDS", default=600)
# Days the text of a sent email is kept (for support questions) before it is blanked.
OUTBOX_BODY_RETENTION_DAYS = env.int("OUTBOX_BODY_RETENTION_DAYS", default=30)

# Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Static and media files ----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# `manage.py backup` writes a folder per backup here; put it on another disk or server.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not IS_PRODUCTION
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Forms and UI --------------------------------------------------------------
# Bootstrap names the error alert "danger"; templates then use the tag as it is.
MESSAGE_TAGS = {message_constants.ERROR: "danger"}
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PAGE_SIZE = env.int("PAGE_SIZE", default=25)
ACCESSIBILITY_STATEMENT_URL = env.str("ACCESSIBILITY_STATEMENT_URL", default="")

# Ideas ----------------------------------------------------------------------
IDEA_ATTACHMENT_MAX_MB = env.int("IDEA_ATTACHMENT_MAX_MB", default=10)
# The lab lead is reminded of ideas that have waited longer than this for triage,
# and of delivered prototypes without an evaluation after EVALUATION_REMINDER_DAYS.
IDEA_TRIAGE_REMINDER_DAYS = env.int("IDEA_TRIAGE_REMINDER_DAYS", default=7)
EVALUATION_REMINDER_DAYS = env.int("EVALUATION_REMINDER_DAYS", default=30)

# Trainees -------------------------------------------------------------------
# Milestones due within this many days are shown as "due soon" on the cohort progress page.
MILESTONE_DUE_SOON_DAYS = env.int("MILESTONE_DUE_SOON_DAYS", default=14)
# The lab lead's Monday digest is sent only when there is something to report, unless true.
LEAD_DIGEST_WHEN_QUIET = env.bool("LEAD_DIGEST_WHEN_QUIET", default=False)
# A week's share of education (%) a trainee aims for when their cohort names none.
TRAINEE_EDUCATION_TARGET_PERCENT = env.int("TRAINEE_EDUCATION_TARGET_PERCENT", default=20)
if not 0 <= TRAINEE_EDUCATION_TARGET_PERCENT <= 100:
    raise ImproperlyConfigured("TRAINEE_EDUCATION_TARGET_PERCENT must be between 0 and 100.")

# Recruitment ----------------------------------------------------------------
# Applicants who were not taken are deleted this many months after the decision (or,
# never decided, after their cohort's end) by a nightly task.
APPLICANT_RETENTION_MONTHS = env.int("APPLICANT_RETENTION_MONTHS", default=6)
if APPLICANT_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured("APPLICANT_RETENTION_MONTHS must be at least 1.")
# Applications one client IP address may send per hour on the public application page
# (counted in the cache); more are refused with a friendly "try again later" page.
APPLICATION_RATE_LIMIT_PER_HOUR = env.int("APPLICATION_RATE_LIMIT_PER_HOUR", default=5)
if APPLICATION_RATE_LIMIT_PER_HOUR < 1:
    raise ImproperlyConfigured("APPLICATION_RATE_LIMIT_PER_HOUR must be at least 1.")

# Planning -------------------------------------------------------------------
# A trainee already on this many active assignments in a period is overbooked: the
# planning board warns and refuses unless the lead plans anyway.
PLANNING_MAX_PARALLEL_ASSIGNMENTS = env.int("PLANNING_MAX_PARALLEL_ASSIGNMENTS", default=2)
if PLANNING_MAX_PARALLEL_ASSIGNMENTS < 1:
    raise ImproperlyConfigured("PLANNING_MAX_PARALLEL_ASSIGNMENTS must be at least 1.")

# Outcomes and follow-ups ----------------------------------------------------
# Former trainees who consent get a short form this many months after their enrolment
# ended (comma-separated, e.g. "3,6,12"), reminded twice this many days apart; a link
# stays valid this many days; a follow-up more than the grace days past its due day is
# never sent (changing the offsets does not send old ones).
FOLLOW_UP_MONTHS = tuple(
    sorted({int(m) for m in env.list("FOLLOW_UP_MONTHS", default=["3", "6", "12"])})
)
if not FOLLOW_UP_MONTHS or min(FOLLOW_UP_MONTHS) < 1 or max(FOLLOW_UP_MONTHS) > 60:
    raise ImproperlyConfigured("FOLLOW_UP_MONTHS must be months between 1 and 60, e.g. 3,6,12.")
FOLLOW_UP_REMINDER_DAYS = env.int("FOLLOW_UP_REMINDER_DAYS", default=7)
FOLLOW_UP_LINK_DAYS = env.int("FOLLOW_UP_LINK_DAYS", default=30)
FOLLOW_UP_GRACE_DAYS = env.int("FOLLOW_UP_GRACE_DAYS", default=30)
if min(FOLLOW_UP_REMINDER_DAYS, FOLLOW_UP_LINK_DAYS, FOLLOW_UP_GRACE_DAYS) < 1:
    raise ImproperlyConfigured(
        "FOLLOW_UP_REMINDER_DAYS, FOLLOW_UP_LINK_DAYS and FOLLOW_UP_GRACE_DAYS must be at least 1."
    )

# Reports ----------------------------------------------------------------------
# Any figure about fewer people than this shows as "<N" in reports and pseudonymised
# exports (with secondary suppression, so a hidden figure cannot be worked out).
REPORT_MIN_CELL = env.int("REPORT_MIN_CELL", default=5)
if REPORT_MIN_CELL < 2:
    raise ImproperlyConfigured("REPORT_MIN_CELL must be at least 2.")
# The key of the trainees' pseudonyms in exports: stable within an installation, and
# useless to anyone without it. Set its own value so rotating SECRET_KEY keeps them.
PSEUDONYM_SECRET = env.str("PSEUDONYM_SECRET", default="") or SECRET_KEY
# A whole-history export prepared in the background is kept this many hours, then
# deleted by a nightly task.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=48)
if EXPORT_KEEP_HOURS < 1:
    raise ImproperlyConfigured("EXPORT_KEEP_HOURS must be at least 1.")

# Employer partners ---------------------------------------------------------
# The link in the email that sends a trainee's summary to an employer's contact (only
# with the trainee's consent) downloads the summary for this many days.
SUMMARY_SHARE_DAYS = env.int("SUMMARY_SHARE_DAYS", default=14)
if SUMMARY_SHARE_DAYS < 1:
    raise ImproperlyConfigured("SUMMARY_SHARE_DAYS must be at least 1.")

# Personal data: retention and erasure ----------------------------------------
# Every anonymisation or deletion of a person is also appended to this file (ids and
# categories only, no personal data), so that `manage.py reapply_erasures` can apply
# them again after an older backup was restored. Keep it outside the database's backups.
PRIVACY_LEDGER_PATH = env.path(
    "PRIVACY_LEDGER_PATH", default=BASE_DIR / "var" / "erasure-ledger.jsonl"
)

# Security -----------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
# Minutes without a request after which a signed-in person is signed out; the session
# never outlives SESSION_COOKIE_AGE (from sign-in) however active it is.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be at least 1.")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if IS_PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=IS_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# No inline scripts or styles anywhere: every script and stylesheet is a file in static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", *FORM_ACTION_ORIGINS],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logging --------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every step of every PDF at INFO
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
