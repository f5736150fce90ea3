package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStoreFieldErrorsTranslated: the registry's field errors reach the
// forms in the reader's language (the store's codes), not in the
// service's English, and the form keeps what was typed.
func TestStoreFieldErrorsTranslated(t *testing.T) {
	for _, tc := range []struct {
		lang, declaration, skills string
	}{
		{"es", "Indique la organización o describa el interés.", "Cada competencia debe tener entre 1 y 100 caracteres."},
		{"en", "Name the organization or describe the interest.", "Each skill must be 1 to 100 characters."},
		{"pt", "Informe a organização ou descreva o interesse.", "Cada competência deve ter de 1 a 100 caracteres."},
		{"fr", "Indiquez l&#39;organisation ou décrivez l&#39;intérêt.", "Chaque compétence doit compter de 1 à 100 caractères."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c := session(t, member(t, "Dora Declares", tc.lang))
			code, _, body := fetch(t, c, http.MethodPost, "/declarations", url.Values{"kind": {"interest"}, "categories": {"government"}})
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("declaration without organization: %d", code)
			}
			mustHave(t, "declaration", body, tc.declaration)
			mustLack(t, "declaration", body, "organization or description is required")
			long := strings.Repeat("x", 101)
			code, _, body = fetch(t, c, http.MethodPost, "/profile", url.Values{"name": {"Dora"}, "language": {tc.lang}, "skills": {long}})
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("profile with a long skill: %d", code)
			}
			mustHave(t, "profile", body, tc.skills, long)
			mustLack(t, "profile", body, "each skill must be 1 to 100 characters")
		})
	}
}
