package devserver

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func freeUIPort(t *testing.T) int {
	t.Helper()
	ports, err := reservePorts("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ports[0]
}

// The UI serves its index on loopback; it needs no frontend to do so.
func TestUIServesIndex(t *testing.T) {
	port := freeUIPort(t)
	ui, err := StartUI(UIConfig{Port: port, Frontend: "127.0.0.1:1", Namespace: testNamespace})
	if err != nil {
		t.Fatal(err)
	}
	defer ui.Stop()
	if !strings.HasPrefix(ui.URL(), "http://127.0.0.1:") {
		t.Fatalf("url %s: not on loopback", ui.URL())
	}
	resp, err := http.Get(ui.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "<html") {
		t.Fatalf("index: %d %.200s", resp.StatusCode, body)
	}
}

// A taken port is a clear error, before the UI starts.
func TestUIPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = StartUI(UIConfig{Port: ln.Addr().(*net.TCPAddr).Port, Frontend: "127.0.0.1:1"})
	if err == nil || !strings.Contains(err.Error(), "is taken") {
		t.Fatalf("want a port-taken error, got %v", err)
	}
}
