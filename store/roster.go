package store

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
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
	// Code names the problem for a transport that speaks the reader's
	// language (the web's "field.<code>"); empty for a problem of the
	// file as a whole.
	Code string
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

// RosterSummary counts what an import created and updated.
type RosterSummary struct {
	Countries, ALSes, Members int
	// Updated counts the members a line changed (matched by email).
	Updated int
	// MemberIDs are the members created, in the roster's order (the
	// welcome email goes to each).
	MemberIDs []string
	// NewCountries, NewALSes and NewMembers are what was created, in the
	// roster's order, for a preview.
	NewCountries []Country
	NewALSes     []ALS
	NewMembers   []RosterMember
	// Lines says what each member line does: new, update (with the
	// fields it changes) or unchanged, in the roster's order.
	Lines []RosterLine
	// Updates are the members changed, before and after, for the emails
	// a role change sends.
	Updates []RosterUpdate
}

// RosterMember is a member a roster line creates.
type RosterMember struct {
	Line int
	Member
}

// What a roster line does to the member it names (RosterLine.Status).
const (
	RosterLineNew       = "new"
	RosterLineUpdate    = "update"
	RosterLineUnchanged = "unchanged"
)

// RosterLine is what one member line of a roster does.
type RosterLine struct {
	Line        int
	Name, Email string
	// Status is RosterLineNew, RosterLineUpdate or RosterLineUnchanged.
	Status string
	// Changes are the fields an update changes.
	Changes []RosterChange
}

// RosterChange is one field a roster line changes, as written in the
// roster (an ALS by its name, roles separated by semicolons).
type RosterChange struct {
	Field, From, To string
}

// RosterUpdate is a member a roster line changed.
type RosterUpdate struct {
	Line          int
	Before, After Member
}

// RosterCheck refuses a member line the importer may not write (a role
// only an admin grants): before is the member as registered (zero for a
// new one), after as the line leaves them. It runs inside the import, so
// the preview shows its problems by line as the import applies them.
type RosterCheck func(line RosterRow, before, after Member) []RosterProblem

// ImportRoster loads a roster in one transaction: every row is imported, or
// none, and every problem is reported with its line. A member line whose
// email is registered updates that member (name, country, ALS, language,
// roles) instead of creating one.
func (s *Store) ImportRoster(ctx context.Context, actor Actor, r io.Reader) (RosterSummary, error) {
	return s.importRoster(ctx, actor, r, false, nil)
}

// ImportRosterChecked is ImportRoster with each member line checked.
func (s *Store) ImportRosterChecked(ctx context.Context, actor Actor, r io.Reader, check RosterCheck) (RosterSummary, error) {
	return s.importRoster(ctx, actor, r, false, check)
}

// errDryRun rolls a preview's transaction back.
var errDryRun = errors.New("roster preview: rolled back")

// PreviewRoster is ImportRoster rolled back: what the import would create
// and update and every problem by line (a *RosterError, returned with
// what the other lines would do), with nothing written.
func (s *Store) PreviewRoster(ctx context.Context, actor Actor, r io.Reader) (RosterSummary, error) {
	return s.importRoster(ctx, actor, r, true, nil)
}

// PreviewRosterChecked is PreviewRoster with each member line checked.
func (s *Store) PreviewRosterChecked(ctx context.Context, actor Actor, r io.Reader, check RosterCheck) (RosterSummary, error) {
	return s.importRoster(ctx, actor, r, true, check)
}

func (s *Store) importRoster(ctx context.Context, actor Actor, r io.Reader, dryRun bool, check RosterCheck) (RosterSummary, error) {
	rows, err := ParseRoster(r)
	if err != nil {
		return RosterSummary{}, rosterFormatError{err}
	}
	var sum RosterSummary
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sum = RosterSummary{}
		rerr := &RosterError{}
		seen := map[string]int{}
		for _, row := range rows {
			problems, err := s.importRow(tx, actor, row, &sum, check, seen)
			if err != nil {
				return err
			}
			for _, p := range problems {
				rerr.Problems = append(rerr.Problems, fmt.Sprintf("line %d: %s: %s", p.Line, p.Field, p.Message))
				rerr.Lines = append(rerr.Lines, p)
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
		return sum, err // what the good lines would do, beside the problems
	case err != nil:
		return RosterSummary{}, err
	}
	return sum, nil
}

// lineProblems are a line's field errors as roster problems, each under
// its roster column (columns maps the fields named otherwise); err is any
// other error.
func lineProblems(row RosterRow, err error, columns map[string]string) ([]RosterProblem, error) {
	var coded CodedFieldErrors
	if !errors.As(err, &coded) {
		return nil, err
	}
	var out []RosterProblem
	for _, k := range sortedKeys(coded.FieldErrors) {
		col := cmp.Or(columns[k], k)
		out = append(out, RosterProblem{Line: row.Line, Field: col, Value: row.Fields[col],
			Message: coded.FieldErrors[k], Code: coded.Codes[k]})
	}
	return out, nil
}

// The roster columns of a country's and a member's fields.
var (
	countryColumns = map[string]string{"code": "country", "name": "country_name"}
	memberColumns  = map[string]string{"als_id": "als"}
)

// importRow writes one line: its country and ALS when new, then the
// member it names, created or updated. Problems are the line's refusals;
// an error is not about the line.
func (s *Store) importRow(tx *gorm.DB, actor Actor, row RosterRow, sum *RosterSummary, check RosterCheck, seen map[string]int) ([]RosterProblem, error) {
	f := row.Fields
	code := strings.ToUpper(f["country"])
	var n int64
	if err := tx.Model(&Country{}).Where("code = ?", code).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		in := CountryInput{Code: code, Name: f["country_name"], Subregion: f["subregion"]}
		c, err := s.validCountry(in)
		if err != nil {
			return lineProblems(row, err, countryColumns)
		}
		if err := tx.Create(&c).Error; err != nil {
			return nil, err
		}
		if _, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: c.Code,
			Action: "country.created", Details: c, Audience: AudiencePublic}); err != nil {
			return nil, err
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
				return nil, err
			}
			if _, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: a.ID,
				Action: "als.created", Details: a, Audience: AudiencePublic}); err != nil {
				return nil, err
			}
			sum.ALSes++
			sum.NewALSes = append(sum.NewALSes, a)
		case err != nil:
			return nil, err
		}
		alsID = &a.ID
	}
	if f["name"] == "" && f["email"] == "" {
		return nil, nil
	}
	email := normalizeEmail(f["email"])
	if first, dup := seen[email]; dup && email != "" {
		return []RosterProblem{{Line: row.Line, Field: "email", Value: f["email"], Code: FieldRosterDuplicate,
			Message: fmt.Sprintf("appears on line %d too; one line per member", first)}}, nil
	}
	seen[email] = row.Line
	var existing Member
	err := tx.Where("email = ?", email).Take(&existing).Error
	switch {
	case err == nil:
		return s.updateRow(tx, actor, row, existing, code, alsID, sum, check)
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, err
	}
	name, rawEmail := f["name"], f["email"]
	in := MemberInput{Name: &name, Email: &rawEmail, Country: &code, ALSID: alsID}
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
		return lineProblems(row, err, memberColumns)
	}
	if check != nil {
		if problems := check(row, Member{}, m); len(problems) > 0 {
			return problems, nil
		}
	}
	sum.Members++
	sum.MemberIDs = append(sum.MemberIDs, m.ID)
	sum.NewMembers = append(sum.NewMembers, RosterMember{Line: row.Line, Member: m})
	sum.Lines = append(sum.Lines, RosterLine{Line: row.Line, Name: m.Name, Email: m.Email, Status: RosterLineNew})
	return nil, nil
}

// updateRow applies a line to the member registered with its email: the
// name, country, ALS (when the roster has the column: an empty cell is
// no ALS), language and roles (when written: an empty cell leaves them).
// Gender and skills are the member's own, left as they are.
func (s *Store) updateRow(tx *gorm.DB, actor Actor, row RosterRow, m Member, country string, alsID *string,
	sum *RosterSummary, check RosterCheck) ([]RosterProblem, error) {
	f := row.Fields
	var in MemberInput
	var changes []RosterChange
	if name := strings.TrimSpace(f["name"]); name != "" && name != m.Name {
		in.Name = &name
		changes = append(changes, RosterChange{Field: "name", From: m.Name, To: name})
	}
	if country != m.Country {
		in.Country = &country
		changes = append(changes, RosterChange{Field: "country", From: m.Country, To: country})
	}
	if _, ok := f["als"]; ok {
		to, from := "", ""
		if alsID != nil {
			to = *alsID
		}
		if m.ALSID != nil {
			from = *m.ALSID
		}
		if to != from {
			in.ALSID = &to
			fromName, err := alsName(tx, from)
			if err != nil {
				return nil, err
			}
			changes = append(changes, RosterChange{Field: "als", From: fromName, To: f["als"]})
		}
	}
	if v := f["language"]; v != "" && v != m.Language {
		in.Language = &v
		changes = append(changes, RosterChange{Field: "language", From: m.Language, To: v})
	}
	if v := f["roles"]; v != "" {
		roles := splitSemicolons(v)
		unknown := slices.ContainsFunc(roles, func(r string) bool { return !oneOf(r, Roles) })
		if to := normalizeRoles(roles); unknown || !slices.Equal(to, m.Roles) {
			in.Roles = &roles
			changes = append(changes, RosterChange{Field: "roles", From: strings.Join(m.Roles, ";"), To: strings.Join(to, ";")})
		}
	}
	if len(changes) == 0 {
		sum.Lines = append(sum.Lines, RosterLine{Line: row.Line, Name: m.Name, Email: m.Email, Status: RosterLineUnchanged})
		return nil, nil
	}
	after, err := s.updateMember(tx, actor, m, in)
	if err != nil {
		return lineProblems(row, err, memberColumns)
	}
	if check != nil {
		if problems := check(row, m, after); len(problems) > 0 {
			return problems, nil
		}
	}
	sum.Updated++
	sum.Updates = append(sum.Updates, RosterUpdate{Line: row.Line, Before: m, After: after})
	sum.Lines = append(sum.Lines, RosterLine{Line: row.Line, Name: after.Name, Email: after.Email, Status: RosterLineUpdate, Changes: changes})
	return nil, nil
}

// alsName is an ALS's name, empty for none.
func alsName(tx *gorm.DB, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	var a ALS
	if err := tx.Where("id = ?", id).Take(&a).Error; err != nil {
		return "", notFound(err)
	}
	return a.Name, nil
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
