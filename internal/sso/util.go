package sso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/lib/pq"

	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

var errSQLNoRows = sql.ErrNoRows

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }

func wrap(what string, err error) error { return fmt.Errorf("sso: %s: %w", what, err) }

func pqArray(v []string) any { return pq.StringArray(v) }

func isUnique(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "23505"
}

func httpGet(ctx context.Context, u string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
}

func asValidation(err error) (validate.Errors, bool) { return validate.As(err) }

var errNotFound = store.ErrNotFound

func wrapNil(what string, err error) error {
	if err == nil {
		return nil
	}
	return wrap(what, err)
}
