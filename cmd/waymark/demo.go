package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/waymark/waymark/internal/people"
	"github.com/waymark/waymark/seeds"
)

// seedDemo creates the demo organizations and people of seeds/demo.yaml
// that do not exist yet and prints the demo logins.
func seedDemo(ctx context.Context, svc *people.Service, out io.Writer) error {
	demo, err := people.LoadDemo(seeds.FS)
	if err != nil {
		return err
	}
	res, err := svc.SeedDemo(ctx, demo)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo data: %d organizations and %d people created (%d and %d in the demo)\n",
		res.OrgsCreated, res.PeopleCreated, len(demo.Organizations), len(demo.People))
	fmt.Fprintf(out, "\nDemo logins (every one uses the password %s):\n\n", res.Password)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  EMAIL\tPASSWORD\tWHO")
	for _, p := range res.Logins {
		fmt.Fprintf(w, "  %s\t%s\t%s (%s)\n", p.Email, res.Password, p.About, p.Org)
	}
	return w.Flush()
}
