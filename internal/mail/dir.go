package mail

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// DirTransport writes each message as an .eml file under Dir (MAIL_DIR) and
// logs its path: the local default when no SMTP_URL is set. Files are named
// by time and outbox id, never by address.
type DirTransport struct {
	Dir string
	Log *slog.Logger
}

// Send writes e to a new file atomically (temporary file, then rename).
func (d *DirTransport) Send(ctx context.Context, e Envelope) error {
	if err := os.MkdirAll(d.Dir, 0o750); err != nil {
		return fmt.Errorf("%w: mail dir: %w", ErrUnavailable, err)
	}
	name := fmt.Sprintf("%s-%08d.eml", e.Date.UTC().Format("20060102T150405Z"), e.ID)
	path := filepath.Join(d.Dir, name)
	f, err := os.CreateTemp(d.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	err = writeMessage(f, e)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("%w: write %s: %w", ErrUnavailable, name, err)
	}
	if d.Log != nil {
		d.Log.Info("mail written", "path", path, "outbox_id", e.ID)
	}
	return nil
}
