package people

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"sort"
	"time"

	"github.com/waymark/waymark/internal/store"
)

// PendingTTL is how long a file that passed its dry run waits to be
// applied with "Import" before it must be uploaded again.
const PendingTTL = 30 * time.Minute

// ErrPendingGone means the checked file asked for is not waiting: applied
// already, expired, or checked by another administrator.
var ErrPendingGone = errors.New("people: the checked file is no longer waiting to be imported")

// KeepPending keeps a file that passed its dry run for its administrator,
// for PendingTTL, and returns its SHA-256 in hex: the key "Import" sends
// back.
func (s *Service) KeepPending(ctx context.Context, admin int64, name string, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	now := s.now()
	err := store.KeepPendingImport(ctx, s.db, store.PendingImport{AdminID: admin, SHA256: sum[:], FileName: name,
		Content: content, CreatedAt: now, ExpiresAt: now.Add(PendingTTL)})
	return hex.EncodeToString(sum[:]), err
}

// ApplyPending imports the file the administrator checked, named by its
// hash, and deletes it in the import's transaction (two applies of one
// file at once are serialized by the import's lock; the second changes
// nothing). It returns the file's
// name and the result; ErrPendingGone when that file is not waiting for
// this administrator.
func (s *Service) ApplyPending(ctx context.Context, admin int64, hash string, invite bool) (string, ImportResult, error) {
	sum, err := hex.DecodeString(hash)
	if err != nil || len(sum) != sha256.Size || admin == 0 {
		return "", ImportResult{}, ErrPendingGone
	}
	p, err := store.PendingImportOf(ctx, s.db, admin, sum, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return "", ImportResult{}, ErrPendingGone
	}
	if err != nil {
		return "", ImportResult{}, err
	}
	res, err := s.Import(ctx, bytes.NewReader(p.Content), ImportOptions{Apply: true, Invite: invite, Actor: admin,
		Source: "upload " + p.FileName, pending: sum})
	return p.FileName, res, err
}

// RosterTemplate is a roster file with the exact header the import reads
// and one example row, using an organization code and job role that
// exist, so that it passes a dry run as it is.
func (s *Service) RosterTemplate(ctx context.Context) ([]byte, error) {
	orgs, err := s.orgs.CodeIndex(ctx, s.db)
	if err != nil {
		return nil, err
	}
	roles, err := s.roleIndex(ctx)
	if err != nil {
		return nil, err
	}
	org, role := firstKey(orgs, func(o store.OrgRef) bool { return o.Active }), ""
	for _, code := range roles {
		if role == "" || code < role {
			role = code
		}
	}
	if org == "" {
		org = "SPFLD-CENTRAL-HS"
	}
	if role == "" {
		role = "teacher"
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(TemplateHeader)
	w.Write([]string{"ana.souza@example.org", "Ana Souza", org, role, ""})
	w.Flush()
	return b.Bytes(), w.Error()
}

// TemplateHeader is the header of the template file.
var TemplateHeader = []string{"email", "name", "organization code", "job roles", "manager scope"}

// firstKey is the smallest key whose value passes keep, or "".
func firstKey[V any](m map[string]V, keep func(V) bool) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if keep(v) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	return keys[0]
}
