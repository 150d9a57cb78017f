package bench

import "context"

// jobs times the work done outside HTTP.
func (r *Runner) jobs(ctx context.Context) error {
	return nil
}
