package web

import (
	"html/template"
	"sync"
)

// fragmentCache keeps rendered fragments whose output depends only on
// their key, up to max of them. When it is full it starts over: the keys
// in use refill it within a few requests and its memory stays bounded.
// A fragment must be rendered from its key alone (never from the viewer
// or the request), so a cached one is always what the template would
// render now.
type fragmentCache[K comparable] struct {
	max int
	mu  sync.RWMutex
	m   map[K]template.HTML
}

// get returns the fragment for k, rendering it on a miss.
func (c *fragmentCache[K]) get(k K, render func(K) (template.HTML, error)) (template.HTML, error) {
	c.mu.RLock()
	h, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return h, nil
	}
	h, err := render(k)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[K]template.HTML)
	}
	c.m[k] = h
	c.mu.Unlock()
	return h, nil
}
