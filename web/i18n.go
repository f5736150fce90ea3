package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/lacralo/ralo/service"
)

//go:embed locales/*.json
var localeFS embed.FS

// langCookie remembers the language chosen with ?lang=.
const langCookie = "ralo_lang"

// tags are the languages the pages speak, the default (Spanish) first.
var tags = []language.Tag{language.Spanish, language.English, language.Portuguese, language.French}

var matcher = language.NewMatcher(tags)

// catalogueFiles are the message files of one language: the shared one,
// locales/<lang>.json, and one per area of the pages,
// locales/<area>.<lang>.json (ethics.es.json, elections.fr.json…), so each
// process's pages keep their messages beside the others'.
func catalogueFiles(lang string) ([]string, error) {
	shared := "locales/" + lang + ".json"
	areas, err := fs.Glob(localeFS, "locales/*."+lang+".json")
	if err != nil {
		return nil, err
	}
	return append([]string{shared}, areas...), nil
}

// loadBundle reads the catalogues of the four languages; a broken one, or
// a message defined twice, is a bug the tests catch, so it stops the start.
func loadBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.Spanish)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range service.Languages {
		files, err := catalogueFiles(l)
		if err != nil {
			return nil, err
		}
		seen := map[string]string{}
		for _, f := range files {
			mf, err := b.LoadMessageFileFS(localeFS, f)
			if err != nil {
				return nil, fmt.Errorf("web: messages %s: %w", f, err)
			}
			for _, m := range mf.Messages {
				if prev, dup := seen[m.ID]; dup {
					return nil, fmt.Errorf("web: message %q is in both %s and %s", m.ID, prev, f)
				}
				seen[m.ID] = f
			}
		}
	}
	return b, nil
}

// supported reports whether lang is one of the four languages.
func supported(lang string) bool {
	for _, l := range service.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// negotiate picks the page's language: ?lang= (then remembered in a
// cookie), the remembered choice, the member's language, the browser's
// Accept-Language, else Spanish.
func negotiate(w http.ResponseWriter, r *http.Request, memberLang string, secure bool) string {
	if q := strings.ToLower(r.URL.Query().Get("lang")); supported(q) {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && supported(c.Value) {
		return c.Value
	}
	if supported(memberLang) {
		return memberLang
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		prefs, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(prefs) > 0 {
			_, i, conf := matcher.Match(prefs...)
			if conf != language.No {
				return service.Languages[i]
			}
		}
	}
	return "es"
}

// countryZones is the usual IANA zone of each country of the region (the
// capital's), for members who did not choose one.
var countryZones = map[string]string{
	"AG": "America/Antigua", "AI": "America/Anguilla", "AR": "America/Argentina/Buenos_Aires", "AW": "America/Aruba",
	"BB": "America/Barbados", "BL": "America/St_Barthelemy", "BO": "America/La_Paz", "BQ": "America/Kralendijk",
	"BR": "America/Sao_Paulo", "BS": "America/Nassau", "BZ": "America/Belize", "CL": "America/Santiago",
	"CO": "America/Bogota", "CR": "America/Costa_Rica", "CU": "America/Havana", "CW": "America/Curacao",
	"DM": "America/Dominica", "DO": "America/Santo_Domingo", "EC": "America/Guayaquil", "FK": "Atlantic/Stanley",
	"GD": "America/Grenada", "GF": "America/Cayenne", "GP": "America/Guadeloupe", "GT": "America/Guatemala",
	"GY": "America/Guyana", "HN": "America/Tegucigalpa", "HT": "America/Port-au-Prince", "JM": "America/Jamaica",
	"KN": "America/St_Kitts", "KY": "America/Cayman", "LC": "America/St_Lucia", "MF": "America/Marigot",
	"MQ": "America/Martinique", "MS": "America/Montserrat", "MX": "America/Mexico_City", "NI": "America/Managua",
	"PA": "America/Panama", "PE": "America/Lima", "PY": "America/Asuncion", "SR": "America/Paramaribo",
	"SV": "America/El_Salvador", "SX": "America/Lower_Princes", "TC": "America/Grand_Turk", "TT": "America/Port_of_Spain",
	"UY": "America/Montevideo", "VC": "America/St_Vincent", "VE": "America/Caracas", "VG": "America/Tortola",
}

// zoneOf is where a member's times are shown: their chosen zone, else
// their country's, else UTC.
func zoneOf(tz, country string) *time.Location {
	for _, name := range []string{tz, countryZones[strings.ToUpper(country)]} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// dateLayouts write a date and time as each language usually does.
var dateLayouts = map[string]string{
	"es": "02/01/2006 15:04", "pt": "02/01/2006 15:04", "fr": "02/01/2006 15:04", "en": "Jan 2, 2006 3:04 PM",
}
