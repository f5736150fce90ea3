package process

import (
	"fmt"
	"strings"
)

// CheckTextCode is CheckText with codes, for the pages: a blank text is
// refused with codePrefix+".required", one longer than limit bytes with
// codePrefix+".too_long"; both name field and carry the limit as Limit.
// The English sentences are CheckText's.
func CheckTextCode(field, codePrefix string, s string, limit int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return InvalidFieldCode(field, codePrefix+".required", field+" is required", "Limit", limit)
	case len(s) > limit:
		return InvalidFieldCode(field, codePrefix+".too_long", fmt.Sprintf("%s is longer than %d bytes", field, limit), "Limit", limit)
	}
	return nil
}
