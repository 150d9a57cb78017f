// Package config reads Waymark's settings from the environment once, at
// start-up, and validates them with messages that name the variable.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting the binary reads.
type Config struct {
	DatabaseURL    string
	ListenAddr     string
	BaseURL        *url.URL
	SMTPURL        *url.URL
	MailFrom       string
	MailDir        string
	Location       *time.Location
	LogLevel       slog.Level
	CoursesDir     string
	MetricsToken   string
	RemindInterval time.Duration
	// RenewalWindowDays: how long before a completion expires its next
	// cycle opens (RENEWAL_WINDOW_DAYS, default 60).
	RenewalWindowDays int
	// TrainingYearEnd is the last day of the training year (TRAINING_YEAR_END,
	// MM-DD, default 06-30); only its month and day are used.
	TrainingYearEnd time.Time
	// BenchAddr (BENCH_ADDR, default empty = off) is a loopback address on
	// which `serve` also answers the benchmark's plaintext ceiling and
	// pprof. Only loopback is accepted: it is never reachable from outside.
	BenchAddr string
	// The mail sender: MailRetryBase (MAIL_RETRY_BASE, default 1m) is the
	// first retry's wait, doubling per attempt and per outage in a row;
	// MailLease (MAIL_LEASE, default 1m) how long a claimed message stays
	// held after its sender's last renewal; MailBatch (MAIL_BATCH, default
	// 50) rows claimed at once; MailWorkers (MAIL_WORKERS, default 4)
	// messages in flight, one SMTP connection each.
	MailRetryBase time.Duration
	MailLease     time.Duration
	MailBatch     int
	MailWorkers   int
	// SSOSecretKey (SSO_SECRET_KEY, base64 of 32 bytes, or the file named by
	// SSO_SECRET_KEY_FILE) seals identity providers' client secrets and the
	// SAML service-provider keys (AES-256-GCM). Empty: sign-in with an
	// identity provider cannot be configured.
	SSOSecretKey []byte
}

// Secure reports whether cookies must carry the Secure flag.
func (c *Config) Secure() bool { return c.BaseURL.Scheme == "https" }

// Getenv is the lookup function; tests pass a map-backed one.
type Getenv func(string) string

// Load reads and validates every variable. All problems are reported together.
func Load(getenv Getenv) (*Config, error) {
	var errs []error
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		DatabaseURL:  get("DATABASE_URL", ""),
		ListenAddr:   get("LISTEN_ADDR", ":3000"),
		MailFrom:     get("MAIL_FROM", "Waymark <no-reply@waymark.localhost>"),
		MailDir:      get("MAIL_DIR", ".data/mail"),
		CoursesDir:   get("COURSES_DIR", ""),
		MetricsToken: get("METRICS_TOKEN", ""),
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is not set (e.g. postgres://user@127.0.0.1:5432/waymark?sslmode=disable)"))
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("DATABASE_URL must be a postgres:// URL"))
	}
	base, err := url.Parse(get("BASE_URL", "http://localhost:3000"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		errs = append(errs, errors.New("BASE_URL must be an absolute http(s) URL such as https://waymark.example.org"))
	} else {
		base.Path = strings.TrimRight(base.Path, "/")
		c.BaseURL = base
	}
	if s := get("SMTP_URL", ""); s != "" {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			errs = append(errs, errors.New("SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465"))
		} else {
			c.SMTPURL = u
		}
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		errs = append(errs, fmt.Errorf("MAIL_FROM is not an email address: %q", c.MailFrom))
	}
	loc, err := time.LoadLocation(get("TZ", "America/New_York"))
	if err != nil {
		errs = append(errs, fmt.Errorf("TZ is not a known time zone: %q", get("TZ", "")))
	}
	c.Location = loc
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, not %q", get("LOG_LEVEL", "")))
	}
	c.RemindInterval, err = time.ParseDuration(get("REMIND_INTERVAL", "5m"))
	if err != nil || c.RemindInterval < 0 {
		errs = append(errs, errors.New("REMIND_INTERVAL must be a duration such as 5m (0 disables the sweep in serve)"))
	}
	if c.RenewalWindowDays, err = strconv.Atoi(get("RENEWAL_WINDOW_DAYS", "60")); err != nil || c.RenewalWindowDays < 0 || c.RenewalWindowDays > 366 {
		errs = append(errs, errors.New("RENEWAL_WINDOW_DAYS must be a whole number of days from 0 to 366"))
	}
	if c.TrainingYearEnd, err = time.Parse("01-02", get("TRAINING_YEAR_END", "06-30")); err != nil {
		errs = append(errs, errors.New("TRAINING_YEAR_END must be a month and day such as 06-30"))
	}
	if c.BenchAddr = get("BENCH_ADDR", ""); c.BenchAddr != "" && !loopback(c.BenchAddr) {
		errs = append(errs, errors.New("BENCH_ADDR must be a loopback address such as 127.0.0.1:3901"))
	}
	errs = append(errs, c.loadMail(get)...)
	if c.SSOSecretKey, err = ssoKey(get("SSO_SECRET_KEY", ""), get("SSO_SECRET_KEY_FILE", "")); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return c, nil
}

// loadMail reads the sender's settings.
func (c *Config) loadMail(get func(name, def string) string) []error {
	var errs []error
	duration := func(name, def string, lo, hi time.Duration) time.Duration {
		d, err := time.ParseDuration(get(name, def))
		if err != nil || d < lo || d > hi {
			errs = append(errs, fmt.Errorf("%s must be a duration from %v to %v such as %s", name, lo, hi, def))
		}
		return d
	}
	count := func(name, def string, lo, hi int) int {
		n, err := strconv.Atoi(get(name, def))
		if err != nil || n < lo || n > hi {
			errs = append(errs, fmt.Errorf("%s must be a whole number from %d to %d", name, lo, hi))
		}
		return n
	}
	c.MailRetryBase = duration("MAIL_RETRY_BASE", "1m", time.Second, 6*time.Hour)
	c.MailLease = duration("MAIL_LEASE", "1m", time.Second, time.Hour)
	c.MailBatch = count("MAIL_BATCH", "50", 1, 1000)
	c.MailWorkers = count("MAIL_WORKERS", "4", 1, 64)
	return errs
}

// ssoKey decodes the SSO secret key from the variable or the file it
// names; the error names the variable and never repeats the value.
func ssoKey(value, file string) ([]byte, error) {
	name := "SSO_SECRET_KEY"
	switch {
	case value != "" && file != "":
		return nil, errors.New("SSO_SECRET_KEY and SSO_SECRET_KEY_FILE are both set; set one")
	case file != "":
		name = "SSO_SECRET_KEY_FILE"
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("SSO_SECRET_KEY_FILE cannot be read: %w", err)
		}
		value = strings.TrimSpace(string(b))
	case value == "":
		return nil, nil
	}
	key, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s must hold 32 random bytes in base64 (e.g. from `openssl rand -base64 32`)", name)
	}
	return key, nil
}

// loopback reports whether addr is host:port on a loopback IP.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// FromEnv loads the configuration from the process environment.
func FromEnv() (*Config, error) { return Load(os.Getenv) }
