package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
)

// Unreachable reports whether err means PostgreSQL could not be reached or
// went away mid-statement (refused or cut connections, a server shutting
// down or starting up, too many clients), as opposed to an error in the
// statement itself. Such a statement may succeed when tried again.
func Unreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code.Class() {
		case "08", // connection exception
			"53", // insufficient resources (too many connections)
			"57", // operator intervention: admin shutdown, crash shutdown, cannot connect now
			"58": // system error
			return true
		}
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	// lib/pq reports some broken connections only as text.
	msg := err.Error()
	return strings.Contains(msg, "bad connection") || strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe")
}

// UnreachableReason says briefly why the database could not be reached,
// without addresses: the server's message, the socket error, or a timeout.
func UnreachableReason(err error) string {
	var pe *pq.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &pe):
		return pe.Message
	case errors.As(err, &oe) && oe.Err != nil:
		return oe.Err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	}
	return "connection lost"
}
