package store

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"gorm.io/gorm"
)

// RosterColumns are the columns of a roster CSV, one row per member (a row
// with no name and email only declares its country and ALS). Countries and
// ALSes named and not yet known are created.
var RosterColumns = []string{"name", "email", "country", "country_name", "subregion", "als", "language", "gender", "roles", "skills"}

// RosterRow is one parsed line of a roster.
type RosterRow struct {
	Line   int
	Fields map[string]string
}

// RosterError lists every problem of a roster, by line; nothing is imported.
type RosterError struct {
	Problems []string
	// Lines are the same problems with their line and field apart.
	Lines []RosterProblem
}

// ErrRosterFormat is a roster that cannot be read (its header, its CSV).
var ErrRosterFormat = errors.New("roster format")

// rosterFormatError is ParseRoster's error, its text kept, matching
// ErrRosterFormat.
type rosterFormatError struct{ err error }

func (e rosterFormatError) Error() string        { return e.err.Error() }
func (e rosterFormatError) Unwrap() error        { return e.err }
func (e rosterFormatError) Is(target error) bool { return target == ErrRosterFormat }

// RosterProblem is one problem of a roster line.
type RosterProblem struct {
	Line  int
	Field string
	// Value is the line's value for the field, as written.
	Value   string
	Message string
}

func (e *RosterError) Error() string {
	return "roster not imported:\n  " + strings.Join(e.Problems, "\n  ")
}

// ParseRoster reads a roster CSV with a header row naming some of
// RosterColumns (name, email and country are required).
func ParseRoster(r io.Reader) ([]RosterRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("roster: reading header: %w", err)
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !oneOf(h, RosterColumns) {
			return nil, fmt.Errorf("roster: line 1: unknown column %q (columns: %s)", h, strings.Join(RosterColumns, ", "))
		}
		if _, dup := idx[h]; dup {
			return nil, fmt.Errorf("roster: line 1: column %q appears twice", h)
		}
		idx[h] = i
	}
	for _, need := range []string{"name", "email", "country"} {
		if _, ok := idx[need]; !ok {
			return nil, fmt.Errorf("roster: line 1: column %q is required", need)
		}
	}
	var rows []RosterRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			// csv.ParseError already names the line.
			return nil, fmt.Errorf("roster: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, fmt.Errorf("roster: line %d: %d fields, the header has %d", line, len(rec), len(header))
		}
		row := RosterRow{Line: line, Fields: map[string]string{}}
		for col, i := range idx {
			row.Fields[col] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
}

// RosterSummary counts what an import created.
type RosterSummary struct {
	Countries, ALSes, Members int
	// MemberIDs are the members created, in the roster's order (the
	// welcome email goes to each).
	MemberIDs []string
	// NewCountries, NewALSes and NewMembers are what was created, in the
	// roster's order, for a preview.
	NewCountries []Country
	NewALSes     []ALS
	NewMembers   []RosterMember
}

// RosterMember is a member a roster line creates.
type RosterMember struct {
	Line int
	Member
}

// ImportRoster loads a roster in one transaction: every row is imported, or
// none, and every problem is reported with its line.
func (s *Store) ImportRoster(ctx context.Context, actor Actor, r io.Reader) (RosterSummary, error) {
	return s.importRoster(ctx, actor, r, false)
}

// errDryRun rolls a preview's transaction back.
var errDryRun = errors.New("roster preview: rolled back")

// PreviewRoster is ImportRoster rolled back: what the import would create
// and every problem by line (a *RosterError, returned with what the other
// lines would create), with nothing written.
func (s *Store) PreviewRoster(ctx context.Context, actor Actor, r io.Reader) (RosterSummary, error) {
	return s.importRoster(ctx, actor, r, true)
}

func (s *Store) importRoster(ctx context.Context, actor Actor, r io.Reader, dryRun bool) (RosterSummary, error) {
	rows, err := ParseRoster(r)
	if err != nil {
		return RosterSummary{}, rosterFormatError{err}
	}
	var sum RosterSummary
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sum = RosterSummary{}
		rerr := &RosterError{}
		for _, row := range rows {
			if err := s.importRow(tx, actor, row, &sum); err != nil {
				var fe FieldErrors
				if !errors.As(err, &fe) {
					return err
				}
				for _, k := range sortedKeys(fe) {
					rerr.Problems = append(rerr.Problems, fmt.Sprintf("line %d: %s: %s", row.Line, k, fe[k]))
					rerr.Lines = append(rerr.Lines, RosterProblem{Line: row.Line, Field: k, Value: row.Fields[k], Message: fe[k]})
				}
			}
		}
		if len(rerr.Problems) > 0 {
			return rerr
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	var rerr *RosterError
	switch {
	case dryRun && errors.Is(err, errDryRun):
		return sum, nil
	case dryRun && errors.As(err, &rerr):
		return sum, err // what the good lines would create, beside the problems
	case err != nil:
		return RosterSummary{}, err
	}
	return sum, nil
}

func (s *Store) importRow(tx *gorm.DB, actor Actor, row RosterRow, sum *RosterSummary) error {
	f := row.Fields
	code := strings.ToUpper(f["country"])
	var n int64
	if err := tx.Model(&Country{}).Where("code = ?", code).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		in := CountryInput{Code: code, Name: f["country_name"], Subregion: f["subregion"]}
		c, err := s.validCountry(in)
		if err != nil {
			return err
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		if _, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: c.Code,
			Action: "country.created", Details: c, Audience: AudiencePublic}); err != nil {
			return err
		}
		sum.Countries++
		sum.NewCountries = append(sum.NewCountries, c)
	}
	var alsID *string
	if name := f["als"]; name != "" {
		var a ALS
		err := tx.Where("country = ? AND name = ?", code, name).Take(&a).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			a = ALS{ID: NewID("als"), Name: name, Country: code, Status: ALSAccredited}
			if err := tx.Create(&a).Error; err != nil {
				return err
			}
			if _, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: a.ID,
				Action: "als.created", Details: a, Audience: AudiencePublic}); err != nil {
				return err
			}
			sum.ALSes++
			sum.NewALSes = append(sum.NewALSes, a)
		case err != nil:
			return err
		}
		alsID = &a.ID
	}
	if f["name"] == "" && f["email"] == "" {
		return nil
	}
	name, email := f["name"], f["email"]
	in := MemberInput{Name: &name, Email: &email, Country: &code, ALSID: alsID}
	if v := f["language"]; v != "" {
		in.Language = &v
	}
	if v := f["gender"]; v != "" {
		in.Gender = &v
	}
	if v := f["roles"]; v != "" {
		roles := splitSemicolons(v)
		in.Roles = &roles
	}
	if v := f["skills"]; v != "" {
		skills := splitSemicolons(v)
		in.Skills = &skills
		public := true
		in.SkillsPublic = &public
	}
	m, err := s.createMember(tx, actor, in)
	if err != nil {
		return err
	}
	sum.Members++
	sum.MemberIDs = append(sum.MemberIDs, m.ID)
	sum.NewMembers = append(sum.NewMembers, RosterMember{Line: row.Line, Member: m})
	return nil
}

func splitSemicolons(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
