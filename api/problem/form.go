package problem

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
)

// BindForm is Bind, except that a value the decoder refuses for its form
// (a date that is not one, a period not in the policy's notation) is a
// 422 naming the field ("proceeding.closes_at") and the form expected,
// never the text of a Go parser.
func BindForm(c echo.Context, v any, reserved ...string) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, 1<<20))
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Detail: "the body could not be read"}
	}
	c.Request().Body = io.NopCloser(bytes.NewReader(body))
	err = Bind(c, v, reserved...)
	var bad *Error
	if !errors.As(err, &bad) || bad.Status != http.StatusBadRequest || !json.Valid(body) {
		return err
	}
	var dec error
	path := refused(reflect.TypeOf(v).Elem(), func(b []byte) []byte { return b }, body, &dec)
	if path == "" {
		return err
	}
	return &Error{Status: http.StatusUnprocessableEntity, Detail: "some fields are invalid", Fields: map[string]string{path: form(dec)}}
}

// form is what a refused value must look like.
func form(err error) string {
	var te *time.ParseError
	if errors.As(err, &te) {
		return "must be a date and time such as 2027-05-01T12:00:00Z"
	}
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	if err == nil || errors.As(err, &se) || errors.As(err, &ue) {
		return "has the wrong form"
	}
	// The types of the requests speak the reader's language ("must be a
	// duration such as 14d, 36h or 90m").
	return err.Error()
}

// refused finds, key by key, the field of a JSON object whose value alone
// makes decoding into a new t fail; wrap puts a key's object back at its
// depth in the body. It returns the field's dotted path, or "".
func refused(t reflect.Type, wrap func([]byte) []byte, raw json.RawMessage, cause *error) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		at := func(b []byte) []byte {
			one, _ := json.Marshal(map[string]json.RawMessage{k: b})
			return wrap(one)
		}
		err := json.Unmarshal(at(obj[k]), reflect.New(t).Interface())
		if err == nil {
			continue
		}
		if sub := refused(t, at, obj[k], cause); sub != "" {
			return k + "." + sub
		}
		*cause = err
		return k
	}
	return ""
}
