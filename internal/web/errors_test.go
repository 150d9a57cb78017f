package web

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/waymark/waymark/internal/learning"
	"github.com/waymark/waymark/internal/mail"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{fmt.Errorf("web: id %q: %w", "x", store.ErrNotFound), fiber.StatusNotFound},
		{fmt.Errorf("learning: course %q: %w", "guide", learning.ErrNotAssignable), fiber.StatusNotFound},
		{ErrForbidden, fiber.StatusForbidden},
		{fmt.Errorf("prevention: log: %w", prevention.ErrNotPrepared), fiber.StatusForbidden},
		{prevention.ErrNotFacilitator, fiber.StatusForbidden},
		{fmt.Errorf("store: add: %w", store.ErrConflict), fiber.StatusConflict},
		{mail.ErrNotFailed, fiber.StatusConflict},
		{fmt.Errorf("%w: status %q", report.ErrBadFilter, "x"), fiber.StatusBadRequest},
		{fiber.NewError(fiber.StatusBadRequest, "malformed"), fiber.StatusBadRequest},
		{fmt.Errorf("wrapped: %w", fiber.ErrTooManyRequests), fiber.StatusTooManyRequests},
		{errors.New("database gone"), fiber.StatusInternalServerError},
	}
	for _, tt := range tests {
		if got, _ := statusOf(tt.err); got != tt.want {
			t.Errorf("statusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
