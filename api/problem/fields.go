package problem

import (
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Messages for the forms a JSON value must take, by the Go type it is read
// into. A type that reads its own JSON (an UnmarshalJSON or UnmarshalText
// method) speaks for itself: its error's text is the field's message, so
// it should say the form expected, as workflows.ErrDurationForm does
// ("must be a duration such as 14d, 36h or 90m").
const (
	formDateTime = "must be a date-time such as 2027-05-01T14:00:00Z"
	formObject   = "must be an object"
	formList     = "must be a list"
	formString   = "must be a string"
	formBool     = "must be true or false"
	formNumber   = "must be a number"
	formInteger  = "must be a whole number"
	formUnsigned = "must be a whole number, not negative"
	formOther    = "is not in the expected form"
	formUnknown  = "unknown field"
)

var (
	timeType            = reflect.TypeFor[time.Time]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// fieldErrors names every value of raw (a JSON document decoded with
// UseNumber) that cannot be read into a value of type t, by its JSON path
// ("calendar.voting_open", "seats[1].count"), with the form it must
// take; and every key that names no field. It never shows a Go parser
// message.
func fieldErrors(t reflect.Type, raw any) map[string]string {
	out := map[string]string{}
	check(t, raw, "", out)
	return out
}

func check(t reflect.Type, raw any, path string, out map[string]string) {
	for t.Kind() == reflect.Pointer {
		if raw == nil {
			return
		}
		t = t.Elem()
	}
	if t == timeType || reflect.PointerTo(t).Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		checkLeaf(t, raw, path, out)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			if raw != nil {
				out[path] = formObject
			}
			return
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			f, ok := fields.lookup(k)
			if !ok {
				out[join(path, k)] = formUnknown
				continue
			}
			if f.quoted {
				continue
			}
			check(f.typ, obj[k], join(path, k), out)
		}
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			if raw != nil {
				out[path] = formObject
			}
			return
		}
		for k, v := range obj {
			check(t.Elem(), v, join(path, k), out)
		}
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			checkLeaf(t, raw, path, out) // []byte is a base64 string
			return
		}
		list, ok := raw.([]any)
		if !ok {
			if raw != nil {
				out[path] = formList
			}
			return
		}
		for i, v := range list {
			check(t.Elem(), v, path+"["+strconv.Itoa(i)+"]", out)
		}
	case reflect.Interface:
		// Any JSON value is read into an interface.
	default:
		checkLeaf(t, raw, path, out)
	}
}

// checkLeaf reads raw into a new value of t as encoding/json would, and
// names the form expected when it cannot.
func checkLeaf(t reflect.Type, raw any, path string, out map[string]string) {
	b, err := json.Marshal(raw)
	if err != nil {
		out[path] = formOther
		return
	}
	if err := json.Unmarshal(b, reflect.New(t).Interface()); err != nil {
		out[path] = form(t, err)
	}
}

// form is the message for a value that could not be read into t.
func form(t reflect.Type, err error) string {
	if t == timeType {
		return formDateTime
	}
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
		parseErr  *time.ParseError
		numErr    *strconv.NumError
	)
	goText := errors.As(err, &typeErr) || errors.As(err, &syntaxErr) || errors.As(err, &parseErr) || errors.As(err, &numErr)
	custom := reflect.PointerTo(t).Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)
	if custom {
		// A type's own words say its form; when it let Go's parser speak,
		// its underlying kind (a duration's int64) would mislead.
		if !goText && err.Error() != "" {
			return err.Error()
		}
		return formOther
	}
	switch t.Kind() {
	case reflect.Bool:
		return formBool
	case reflect.String:
		return formString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return formInteger
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return formUnsigned
	case reflect.Float32, reflect.Float64:
		return formNumber
	case reflect.Slice, reflect.Array:
		return formList
	case reflect.Struct, reflect.Map:
		return formObject
	}
	return formOther
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// field is a struct field as encoding/json names it.
type field struct {
	name   string
	typ    reflect.Type
	quoted bool // the ",string" option: a value inside a JSON string
}

type fieldSet []field

// lookup finds a key's field: its exact name first, else, as
// encoding/json does, the name in another case.
func (fs fieldSet) lookup(key string) (field, bool) {
	for _, f := range fs {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fs {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return field{}, false
}

// jsonFields lists the fields encoding/json reads into t, with the fields
// of embedded structs promoted (a field of t hides one of the same name
// deeper down).
func jsonFields(t reflect.Type) fieldSet {
	var out fieldSet
	seen := map[string]bool{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		var embedded []reflect.Type
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					embedded = append(embedded, ft)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, field{name: name, typ: sf.Type, quoted: slices.Contains(strings.Split(opts, ","), "string")})
		}
		if depth < 8 {
			for _, et := range embedded {
				walk(et, depth+1)
			}
		}
	}
	walk(t, 0)
	return out
}
