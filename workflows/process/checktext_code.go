package process

import (
	"fmt"
	"strings"
)

// CheckTextCode is CheckText with a refusal code for the pages: the field
// is codePrefix+".required" when blank, codePrefix+".too_long" past limit
// bytes (with the limit as "Limit"); the English message is CheckText's.
func CheckTextCode(field, codePrefix string, s string, limit int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return InvalidFieldCode(field, codePrefix+".required", field+" is required", "Limit", limit)
	case len(s) > limit:
		return InvalidFieldCode(field, codePrefix+".too_long", fmt.Sprintf("%s is longer than %d bytes", field, limit), "Limit", limit)
	}
	return nil
}
