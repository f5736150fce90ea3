package process

import (
	"fmt"
	"strings"
)

// CheckTextCode is CheckText with the refusal named for the pages: the
// field's codePrefix + ".required" or codePrefix + ".too_long" (with the
// limit as "Limit"), the English message unchanged.
func CheckTextCode(field, codePrefix string, s string, limit int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return InvalidFieldCode(field, codePrefix+".required", field+" is required", "Limit", limit)
	case len(s) > limit:
		return InvalidFieldCode(field, codePrefix+".too_long", fmt.Sprintf("%s is longer than %d bytes", field, limit), "Limit", limit)
	}
	return nil
}
