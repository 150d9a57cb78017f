package people

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"

	"gopkg.in/yaml.v3"

	"github.com/waymark/waymark/internal/auth"
	"github.com/waymark/waymark/internal/store"
)

// Demo is the demo state of seeds/demo.yaml.
type Demo struct {
	Password      string       `yaml:"password"`
	Organizations []DemoOrg    `yaml:"organizations"`
	People        []DemoPerson `yaml:"people"`
}

// DemoOrg is a demo organization.
type DemoOrg struct {
	Code   string `yaml:"code"`
	Name   string `yaml:"name"`
	Type   string `yaml:"type"`
	County string `yaml:"county"`
	Parent string `yaml:"parent"`
}

// DemoPerson is a demo login.
type DemoPerson struct {
	Email       string   `yaml:"email"`
	Name        string   `yaml:"name"`
	Org         string   `yaml:"org"`
	Roles       []string `yaml:"roles"`
	Manages     []string `yaml:"manages"`
	Admin       bool     `yaml:"admin"`
	Facilitator bool     `yaml:"facilitator"`
	About       string   `yaml:"about"`
}

// DemoResult says what seeding created and lists the demo logins.
type DemoResult struct {
	OrgsCreated, PeopleCreated int
	Password                   string
	Logins                     []DemoPerson
}

// LoadDemo reads demo.yaml from fsys (the embedded seeds directory).
func LoadDemo(fsys fs.FS) (Demo, error) {
	var d Demo
	b, err := fs.ReadFile(fsys, "demo.yaml")
	if err != nil {
		return d, fmt.Errorf("people: seeds/demo.yaml: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("people: seeds/demo.yaml: %w", err)
	}
	if len(d.Password) < auth.MinPasswordLen {
		return d, fmt.Errorf("people: seeds/demo.yaml: the demo password needs %d characters or more", auth.MinPasswordLen)
	}
	return d, nil
}

// SeedDemo creates the demo organizations and people that do not exist
// yet, through the same paths as the admin pages (so each is audited and
// OnPeopleChanged runs). What exists already is left alone, so running it
// twice changes nothing.
func (s *Service) SeedDemo(ctx context.Context, d Demo) (DemoResult, error) {
	res := DemoResult{Password: d.Password, Logins: d.People}
	for _, o := range d.Organizations {
		_, err := s.orgs.ByCode(ctx, o.Code)
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return res, err
		}
		in := OrgInput{Code: o.Code, Name: o.Name, Type: o.Type, County: o.County, ParentCode: o.Parent}
		if _, err := s.SaveOrg(ctx, 0, 0, in); err != nil {
			return res, fmt.Errorf("people: demo organization %s: %w", o.Code, err)
		}
		res.OrgsCreated++
	}
	var hash string
	for _, p := range d.People {
		_, err := s.users.ByEmail(ctx, p.Email)
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return res, err
		}
		if hash == "" {
			if hash, err = auth.HashPassword(d.Password); err != nil {
				return res, err
			}
		}
		in := UserInput{Email: p.Email, Name: p.Name, OrgCode: p.Org, Roles: p.Roles, Scopes: p.Manages,
			IsAdmin: p.Admin, IsFacilitator: p.Facilitator, passwordHash: hash}
		if _, err := s.SaveUser(ctx, 0, 0, in); err != nil {
			return res, fmt.Errorf("people: demo person %s: %w", p.Email, err)
		}
		res.PeopleCreated++
	}
	return res, nil
}
