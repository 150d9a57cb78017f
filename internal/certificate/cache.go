package certificate

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/waymark/waymark/internal/store"
)

// pdfCache keeps recently rendered certificate PDFs, least recently used
// out first, up to a byte budget. A certificate's PDF depends only on what
// it prints, so the key is a hash of exactly that: a changed name or
// organization makes a new key and the old entry ages out. gofpdf parses
// each embedded font again for every document (some 10 ms a face), so a
// repeated download served from here costs microseconds instead.
type pdfCache struct {
	mu      sync.Mutex
	budget  int
	size    int
	entries map[[32]byte]*list.Element
	lru     *list.List
}

type cacheEntry struct {
	key [32]byte
	pdf []byte
}

func newPDFCache(budget int) *pdfCache {
	return &pdfCache{budget: budget, entries: map[[32]byte]*list.Element{}, lru: list.New()}
}

// cacheKey hashes everything the certificate of d prints.
func cacheKey(d store.CertificateDetails, verifyURL string, loc *time.Location) [32]byte {
	h := sha256.New()
	expires := "none"
	if d.ExpiresAt != nil {
		expires = d.ExpiresAt.UTC().Format(time.RFC3339Nano)
	}
	fmt.Fprintf(h, "%q %q %q %q %q %q %q %q %d %d %s %s %s %s %q", d.Code, verifyURL, d.PersonName, d.OrgName,
		d.JobRole, d.CourseTitle, d.CourseCode, d.CourseVersion, d.Score, d.Minutes,
		d.CompletedAt.UTC().Format(time.RFC3339Nano), expires, d.IssuedAt.UTC().Format(time.RFC3339Nano),
		loc.String(), renderRevision)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// renderRevision changes whenever the certificate layout changes, so a
// running process never mixes layouts (the cache lives in memory only).
const renderRevision = "2026-11-1"

func (c *pdfCache) get(k [32]byte) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).pdf, true
}

func (c *pdfCache) put(k [32]byte, pdf []byte) {
	if c == nil || len(pdf) > c.budget/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; ok {
		return
	}
	c.entries[k] = c.lru.PushFront(&cacheEntry{key: k, pdf: pdf})
	c.size += len(pdf)
	for c.size > c.budget {
		old := c.lru.Back()
		e := old.Value.(*cacheEntry)
		c.lru.Remove(old)
		delete(c.entries, e.key)
		c.size -= len(e.pdf)
	}
}
