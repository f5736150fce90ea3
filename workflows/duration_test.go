package workflows

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDurationJSON(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{7 * 24 * time.Hour, `"7d"`},
		{36 * time.Hour, `"36h"`},
		{90 * time.Minute, `"1h30m"`},
		{time.Hour, `"1h"`},
		{0, `"0s"`},
	} {
		b, err := json.Marshal(Duration(tc.d))
		if err != nil || string(b) != tc.want {
			t.Errorf("marshal %v = %s, %v; want %s", tc.d, b, err, tc.want)
		}
		var back Duration
		if err := json.Unmarshal(b, &back); err != nil || back.D() != tc.d {
			t.Errorf("unmarshal %s = %v, %v; want %v", b, back.D(), err, tc.d)
		}
	}
	var old Duration
	if err := json.Unmarshal([]byte("604800000000000"), &old); err != nil || old.D() != 7*24*time.Hour {
		t.Errorf("nanoseconds of an old history: %v, %v", old.D(), err)
	}
	for _, bad := range []string{`"7 days"`, `"-1d"`, `-5`, `true`, `""`} {
		var d Duration
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("unmarshal %s: no error", bad)
		}
	}
}
