package config_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/waymark/waymark/internal/config"
)

func env(m map[string]string) config.Getenv { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":3000" || c.BaseURL.String() != "http://localhost:3000" || c.Location.String() != "America/New_York" ||
		c.MailDir != ".data/mail" || c.SMTPURL != nil || c.Secure() {
		t.Fatalf("defaults wrong: %+v", c)
	}
}

func TestEveryBadVariableIsNamed(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"BASE_URL": "localhost", "SMTP_URL": "http://x", "MAIL_FROM": "nobody", "TZ": "Mars/Olympus", "LOG_LEVEL": "loud",
	}))
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, name := range []string{"DATABASE_URL", "BASE_URL", "SMTP_URL", "MAIL_FROM", "TZ", "LOG_LEVEL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestHTTPSBaseURLMakesCookiesSecure(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_URL": "https://waymark.example.org/",
		"SMTP_URL": "smtp://user:pass@mail.example.org:587"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Secure() || c.BaseURL.String() != "https://waymark.example.org" || c.SMTPURL.Host != "mail.example.org:587" {
		t.Fatalf("got %+v", c)
	}
}

func TestLearningSettings(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RenewalWindowDays != 60 || c.TrainingYearEnd.Month() != 6 || c.TrainingYearEnd.Day() != 30 {
		t.Fatalf("learning defaults wrong: %d %v", c.RenewalWindowDays, c.TrainingYearEnd)
	}
	c, err = config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "RENEWAL_WINDOW_DAYS": "30", "TRAINING_YEAR_END": "08-31"}))
	if err != nil || c.RenewalWindowDays != 30 || c.TrainingYearEnd.Month() != 8 || c.TrainingYearEnd.Day() != 31 {
		t.Fatalf("learning settings not read: %v %+v", err, c)
	}
	for _, bad := range []map[string]string{{"RENEWAL_WINDOW_DAYS": "-1"}, {"RENEWAL_WINDOW_DAYS": "soon"}, {"TRAINING_YEAR_END": "June"}} {
		bad["DATABASE_URL"] = "postgres://u@h/db"
		if _, err := config.Load(env(bad)); err == nil {
			t.Errorf("accepted %v", bad)
		}
	}
}

func TestBenchAddrOnlyOnLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"": true, "127.0.0.1:3901": true, "[::1]:3901": true,
		"0.0.0.0:3901": false, ":3901": false, "example.org:3901": false, "127.0.0.1": false} {
		c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "BENCH_ADDR": addr}))
		if (err == nil) != ok {
			t.Errorf("BENCH_ADDR=%q: err %v, want ok=%v", addr, err, ok)
		}
		if err == nil && c.BenchAddr != addr {
			t.Errorf("BENCH_ADDR=%q read as %q", addr, c.BenchAddr)
		}
	}
}

func TestMailSenderSettings(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MailRetryBase != time.Minute || c.MailLease != time.Minute || c.MailBatch != 50 || c.MailWorkers != 4 {
		t.Fatalf("mail defaults wrong: %v %v %d %d", c.MailRetryBase, c.MailLease, c.MailBatch, c.MailWorkers)
	}
	c, err = config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "MAIL_RETRY_BASE": "30s", "MAIL_LEASE": "2m",
		"MAIL_BATCH": "20", "MAIL_WORKERS": "8"}))
	if err != nil || c.MailRetryBase != 30*time.Second || c.MailLease != 2*time.Minute || c.MailBatch != 20 || c.MailWorkers != 8 {
		t.Fatalf("mail settings not read: %v %+v", err, c)
	}
	_, err = config.Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "MAIL_RETRY_BASE": "soon", "MAIL_LEASE": "0s",
		"MAIL_BATCH": "0", "MAIL_WORKERS": "many"}))
	for _, name := range []string{"MAIL_RETRY_BASE", "MAIL_LEASE", "MAIL_BATCH", "MAIL_WORKERS"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestSSOSecretKey(t *testing.T) {
	key := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // 32 bytes 0..31
	file := t.TempDir() + "/sso.key"
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" = accepted
	}{
		{"unset", map[string]string{}, ""},
		{"value", map[string]string{"SSO_SECRET_KEY": key}, ""},
		{"file", map[string]string{"SSO_SECRET_KEY_FILE": file}, ""},
		{"short", map[string]string{"SSO_SECRET_KEY": "c2hvcnQ="}, "SSO_SECRET_KEY must hold 32"},
		{"not base64", map[string]string{"SSO_SECRET_KEY": "not base64!"}, "SSO_SECRET_KEY must hold 32"},
		{"both", map[string]string{"SSO_SECRET_KEY": key, "SSO_SECRET_KEY_FILE": file}, "both set"},
		{"missing file", map[string]string{"SSO_SECRET_KEY_FILE": file + ".none"}, "SSO_SECRET_KEY_FILE cannot be read"},
	} {
		tc.env["DATABASE_URL"] = "postgres://u@h/db"
		c, err := config.Load(env(tc.env))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		case tc.want != "" && strings.Contains(err.Error(), tc.env["SSO_SECRET_KEY"]) && tc.env["SSO_SECRET_KEY"] != "":
			t.Errorf("%s: the error repeats the key", tc.name)
		case tc.want == "" && tc.name != "unset" && len(c.SSOSecretKey) != 32:
			t.Errorf("%s: key has %d bytes", tc.name, len(c.SSOSecretKey))
		}
	}
}
