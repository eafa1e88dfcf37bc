"""One settings object; every field has a safe default and an IMBPLUS_* variable."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from imbplus.seller import SellerSettings


class Settings(BaseSettings, SellerSettings):  # seller_* fields: seller.py
    model_config = SettingsConfigDict(env_prefix="IMBPLUS_", extra="ignore")

    data_dir: Path = Field(
        default=Path("./var"),
        description="Directory for the embedded database, keys and the audit checkpoint.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is SQLite at <data_dir>/imbplus.db.",
    )
    master_key_file: Path | None = Field(
        default=None,
        description="Master key file (mode 0600); default <data_dir>/master.key.",
    )
    audit_checkpoint_file: Path | None = Field(
        default=None,
        description="Checkpoint of the audit chain head, kept outside the database; "
        "default <data_dir>/audit.head.",
    )
    audit_signing_key_file: Path | None = Field(
        default=None,
        description="Key that signs the audit checkpoint (mode 0600); default beside the "
        "master key file. Keep both off the data directory's volume in production.",
    )
    audit_peer_checkpoints: list[Path] = Field(
        default_factory=list,
        description="The audit checkpoint files of the other hosts, as this host reads them "
        "(a read-only mount or copies a timer fetches; JSON list); `audit verify` holds the "
        "chain to each, so the newest records any host wrote are guarded.",
    )
    erasure_journal_file: Path | None = Field(
        default=None,
        description="Ids of erased customers, kept outside the database so that a restored "
        "backup is erased again; default <data_dir>/erasures.journal.",
    )
    backup_dir: Path | None = Field(
        default=None,
        description="Where `imbplus backup create` writes; default <data_dir>/backups. "
        "In production, another volume than the database and than the master key.",
    )
    backup_keep: int = Field(
        default=14,
        ge=1,
        le=1000,
        description="Complete backups kept; older ones are deleted after each new backup "
        "(erased customers' data leaves the backups with them).",
    )
    backup_drill_max_age_days: int = Field(
        default=35,
        ge=1,
        description="The evidence report fails when no restore drill passed within this time.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="Console and portal sessions expire after this idle time."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="Absolute lifetime of a console or portal session."
    )
    token_days: int = Field(default=90, ge=1, description="Lifetime of a staff API token.")
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins per account from one client address before that address "
        "has to wait (429) before its next attempt; each further failure doubles the wait.",
    )
    login_backoff_seconds: int = Field(
        default=30, ge=1, le=3600, description="The first wait after `login_max_failures`."
    )
    login_backoff_max_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="The longest wait between attempts from one address for one account.",
    )
    login_failure_memory_hours: int = Field(
        default=24,
        ge=1,
        le=168,
        description="How long a failure counts towards the wait of its account and address.",
    )
    login_max_failures_per_account: int = Field(
        default=100,
        ge=1,
        description="Failed logins per account in an hour from all addresses together "
        "(OWASP ASVS 2.2.1); beyond, attempts wait for the oldest to be an hour old.",
    )
    login_max_failures_per_ip: int = Field(
        default=20,
        ge=1,
        description="Failed logins per client address, for any accounts, inside "
        "`login_window_minutes` (password spraying).",
    )
    login_window_minutes: int = Field(
        default=15, ge=1, description="Window of the per-address login limit."
    )
    force_secure_cookies: bool = Field(
        default=False,
        description="Mark cookies Secure even when the request did not arrive over HTTPS "
        "(they are always Secure when it did).",
    )
    trusted_hosts: list[str] = Field(
        default=["127.0.0.1", "localhost", "testserver", "*.localhost"],
        description="Host headers the web application answers to.",
    )
    breach_window_minutes: int = Field(
        default=60, ge=1, description="Window of the breach detection signals (B05)."
    )
    breach_mass_read_subjects: int = Field(
        default=500,
        ge=1,
        description="Distinct customers one actor may see in the window "
        "before a mass-read incident is recorded.",
    )
    breach_denials: int = Field(
        default=20,
        ge=1,
        description="Refusals of one actor in the window before a "
        "denial-burst incident is recorded.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted (413 above)."
    )
    # -- public site (P15-P18, P22-P24) ---------------------------------------------------
    site_id: str = Field(
        default="imbplus",
        pattern=r"^[a-z0-9-]{2,32}$",
        description="The site this server shows; its own privacy policy if it published "
        "one, otherwise the main site's (P15).",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address of the public site, for links in e-mails.",
    )
    site_form_max_bytes: int = Field(
        default=65_536,
        ge=1024,
        description="Largest body accepted by the public forms (contact, feedback, cookie "
        "choice); 413 above.",
    )

    # -- e-mail through the outbox (same settings as the notifications of the shop) --------
    smtp_host: str = Field(default="127.0.0.1", description="SMTP host for e-mail notices.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS on the SMTP link.")
    smtp_username: str | None = Field(default=None, description="SMTP login, if required.")
    smtp_password: str | None = Field(default=None, description="SMTP password, if required.")
    smtp_timeout_s: float = Field(default=10.0, gt=0, description="SMTP connect/send timeout.")
    mail_from: str = Field(
        default="IMB+ <powiadomienia@imb-iptv.example>", description="Sender of e-mail notices."
    )
    outbox_max_backoff_s: int = Field(
        default=3600,
        ge=1,
        description="Longest wait between two delivery attempts of an outbox message "
        "(the wait doubles after each failure; messages are never dropped).",
    )

    # -- customer portal, surveys, request log ----------------------------------------------
    portal_confirm_hours: int = Field(
        default=48, ge=1, description="A registration's e-mail confirmation link works this long."
    )
    portal_reset_minutes: int = Field(
        default=60, ge=5, description="A password-reset link works this long, and only once."
    )
    form_max_posts_per_ip: int = Field(
        default=20,
        ge=1,
        description="Accepted posts of one public or portal form per client address inside "
        "the window (429 beyond), P21 abuse protection.",
    )
    form_window_minutes: int = Field(default=10, ge=1, description="Form rate-limit window.")
    survey_min_cell: int = Field(
        default=10,
        ge=2,
        description="Survey results never show a count below this (small-cell suppression, P19).",
    )
    request_log_ip_days: int = Field(
        default=7, ge=1, description="Days the request log keeps full client addresses (P21)."
    )
    request_log_masked_months: int = Field(
        default=13,
        ge=1,
        description="Months the request log keeps masked addresses (IPv4 /24, IPv6 /48) for "
        "traffic statistics (P21).",
    )
    request_log_flush_seconds: float = Field(
        default=1.0,
        gt=0,
        description="The request log is written in batches off the request path at least "
        "this often; a crash loses at most the lines of the last interval.",
    )
    request_log_batch: int = Field(
        default=2000, ge=1, description="Write the request log early once this many lines wait."
    )
    request_log_max_pending: int = Field(
        default=200_000,
        ge=100,
        description="Lines held in memory while the database is unreachable; the oldest are "
        "dropped (and counted) beyond this.",
    )
    request_log_skip_prefixes: list[str] = Field(
        default=["/static/", "/healthz"],
        description="Paths not written to the request log.",
    )
    # -- shop, billing, shipments, notifications --------------------------------------------
    payment_processor: str = Field(
        default="sandbox-payments",
        description="Processor id of the payment provider (registered with its contract).",
    )
    carrier_processor: str = Field(
        default="sandbox-carrier", description="Processor id of the carrier for shipments."
    )
    sms_processor: str = Field(
        default="sandbox-sms", description="Processor id of the SMS gateway."
    )
    mail_processor: str = Field(
        default="sandbox-mail", description="Processor id of the mail relay (SMTP host)."
    )
    # -- adapters to the processors (processors/adapters.py) ------------------------------
    payment_adapter: str = Field(
        default="sandbox",
        description="Implementation that talks to the payment provider: `sandbox` answers "
        "locally from the test card numbers (nothing leaves this machine).",
    )
    carrier_adapter: str = Field(
        default="sandbox",
        description="Implementation that announces parcels to the carrier: `sandbox` answers "
        "locally (nothing leaves this machine).",
    )
    sms_adapter: str = Field(
        default="sandbox",
        description="Implementation that sends SMS: `sandbox` keeps them in memory (nothing "
        "leaves this machine); `smsapi` sends through the SMSAPI.pl REST API.",
    )
    allow_sandbox: bool = Field(
        default=False,
        description="Let `imbplus serve` start although an adapter is a sandbox (a test or "
        "staging server). Hand-overs to a sandbox are recorded as sandboxed either way.",
    )
    smsapi_url: str = Field(
        default="https://api.smsapi.pl",
        description="Base address of the SMSAPI.pl REST API (messages go to <url>/sms.do).",
    )
    smsapi_token: SecretStr | None = Field(
        default=None,
        description="OAuth token of the SMSAPI.pl account (sent as a bearer token, never "
        "logged); required when IMBPLUS_SMS_ADAPTER=smsapi.",
    )
    smsapi_sender: str = Field(
        default="IMBplus",
        pattern=r"^[A-Za-z0-9 .-]{1,11}$",
        description="Sender name registered in the SMSAPI.pl account (field `from`).",
    )
    smsapi_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Longest wait for the SMS gateway's answer; a message that times out is "
        "retried by the outbox.",
    )
    payment_timeout_s: float = Field(
        default=15.0, gt=0, description="Longest wait for the payment provider's answer."
    )
    charge_retry_hours: list[int] = Field(
        default=[24, 72, 168],
        description="Delays before each retry of a failed recurring card charge; after the "
        "last one the invoice stays unpaid for staff to follow up.",
    )
    invoice_due_days: int = Field(default=14, ge=0, description="Days to pay an invoice.")
    invoice_retention_years: int = Field(
        default=5,
        ge=1,
        description="Invoices are kept this many years after the end of their year (tax "
        "law), even when the customer asks for erasure.",
    )
    shipment_retention_days: int = Field(
        default=6 * 365,
        ge=0,
        description="Sealed shipment records are kept this long after completion as proof "
        "of service (P13), then purged.",
    )
    customer_retention_after_contract_days: int = Field(
        default=3 * 365,
        ge=1,
        description="A customer record (name, contact, address) is kept while the contract "
        "lasts and this many days after its last subscription ended (claims from the "
        "contract), then erased (P13).",
    )
    customer_without_contract_days: int = Field(
        default=2 * 365,
        ge=1,
        description="A customer record that never had a subscription (an account opened, "
        "nothing ordered) is erased when it has not changed for this many days (P13).",
    )
    card_retention_after_contract_days: int = Field(
        default=90,
        ge=1,
        description="Saved cards are kept while the contract lasts and this many days after "
        "it ended (last charges, complaints), then their keys are destroyed (P13, P20).",
    )
    device_last_ip_days: int = Field(
        default=90,
        ge=1,
        description="A box's last seen address is cleared this many days after it was last "
        "seen (P13).",
    )
    outbox_reserved_domains_only: bool = Field(
        default=False,
        description="Queue e-mail only to domains reserved for examples (example.com/.net/"
        ".org, .test, .invalid); any other is dropped unsent. The demo turns it on.",
    )
    outbox_retention_days: int = Field(
        default=30,
        ge=1,
        description="Outbox messages (sent, dropped, cancelled or still undelivered) are "
        "deleted this many days after they were queued (P13).",
    )
    survey_response_retention_days: int = Field(
        default=2 * 365,
        ge=1,
        description="Survey responses are deleted this many days after they were submitted "
        "(P13, P19).",
    )
    consent_record_retention_days: int = Field(
        default=3 * 365,
        ge=365,
        description="Cookie consent records are deleted this many days after the decision "
        "(P13, P18); at least a year (the database refuses to delete a younger proof).",
    )
    feedback_retention_days: int = Field(
        default=2 * 365,
        ge=1,
        description="Comments and suggestions are deleted this many days after they arrived "
        "(P13, P24).",
    )
    privacy_inquiry_retention_days: int = Field(
        default=3 * 365,
        ge=1,
        description="Answered or closed privacy questions are deleted this many days after "
        "they were closed (P13, P23).",
    )
    subject_request_retention_days: int = Field(
        default=3 * 365,
        ge=1,
        description="Completed data-subject requests are deleted this many days after they "
        "were completed (P13, B01).",
    )
    staff_retention_after_leaving_days: int = Field(
        default=365,
        ge=1,
        description="A disabled staff account keeps its login and name this many days after "
        "it was disabled, then they are replaced by its id (P13).",
    )
    shipment_amendment_kinds: list[str] = Field(
        default=[
            "recipient_name_correction",
            "address_correction",
            "delivery_note",
            "complaint_reference",
        ],
        description="Kinds of amendment the Customer Agreement allows on a sealed shipment "
        "record (P09); any other kind is refused.",
    )

    telemetry_dir: Path | None = Field(
        default=None,
        description="Root of the telemetry Parquet dataset; default <data_dir>/telemetry.",
    )
    telemetry_retention_days: int = Field(
        default=365,
        ge=1,
        description="Activity retention (P13): a day's telemetry partition is dropped this many "
        "days after it ends (default 12 months).",
    )
    telemetry_max_events: int = Field(
        default=5000, ge=1, le=100_000, description="Largest telemetry batch (413 above)."
    )
    telemetry_max_batch_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest telemetry body in bytes (413 above)."
    )
    telemetry_device_burst: int = Field(
        default=20_000,
        ge=1,
        description="Events a box may post at once before its rate limit applies (429 beyond).",
    )
    telemetry_device_events_per_s: float = Field(
        default=20.0,
        gt=0,
        description="Sustained events per second per box (token bucket refill); per worker "
        "unless `redis_url` is set, then for all workers on all hosts together.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis shared by every host (e.g. redis://cache:6379/0); when set, the "
        "telemetry rate limit of each box is counted there, for all hosts together.",
    )
    telemetry_token_cache_s: float = Field(
        default=30.0,
        ge=0,
        description="How long a worker trusts a checked device token (0 checks the database "
        "every batch); revocations reach every worker sooner, see the next setting.",
    )
    telemetry_revocation_poll_s: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="How often a worker looks whether a device token was revoked or a box's "
        "status changed anywhere (one read of one row); the change applies within this time.",
    )
    processor_token_cache_s: float = Field(
        default=30.0,
        ge=0,
        description="How long a worker trusts a checked processor credential (0 checks the "
        "database every request); expiry is checked on every request, revocations and "
        "ended contracts reach every worker within processor_revocation_poll_s.",
    )
    processor_revocation_poll_s: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="How often a worker looks whether a processor credential was revoked or "
        "a contract changed anywhere (one read of one row).",
    )
    regulatory_recipient: str = Field(
        default="uke",
        description="Registered authority that receives the yearly regulatory report (P03).",
    )
    regulatory_legal_basis: str = Field(
        default="Prawo komunikacji elektronicznej, art. 38 (sprawozdanie roczne)",
        description="Legal basis recorded with the regulatory report's disclosure.",
    )
    regulatory_threshold: int = Field(
        default=10,
        ge=2,
        le=1000,
        description="Smallest count the regulatory report publishes; smaller cells are "
        "suppressed, with secondary suppression so totals do not reveal them.",
    )

    @cached_property
    def telemetry_root(self) -> Path:
        return self.telemetry_dir or self.data_dir / "telemetry"

    @cached_property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'imbplus.db').resolve()}"

    @cached_property
    def key_file(self) -> Path:
        return self.master_key_file or self.data_dir / "master.key"

    @cached_property
    def checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit.head"

    @cached_property
    def audit_key_file(self) -> Path:
        return self.audit_signing_key_file or self.key_file.with_name("audit-signing.key")

    @cached_property
    def erasure_journal(self) -> Path:
        return self.erasure_journal_file or self.data_dir / "erasures.journal"

    @cached_property
    def backup_root(self) -> Path:
        return self.backup_dir or self.data_dir / "backups"


def load_settings() -> Settings:
    return Settings()
