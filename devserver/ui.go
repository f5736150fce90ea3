package devserver

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// UIConfig is the Temporal Web UI served beside the embedded server, for
// operators: on loopback only, news fetch off.
type UIConfig struct {
	Port      int    // the UI's port on 127.0.0.1
	Frontend  string // host:port of the Temporal frontend it talks to
	Namespace string // the namespace it opens on
}

// UI is a running Temporal Web UI.
type UI struct {
	srv  *uiserver.Server
	addr string
	done chan struct{}
}

// StartUI checks that the port is free, then serves the Temporal Web UI.
// The ui-server exits the process when it cannot bind, so the port is
// checked first and a taken one is a clear error here instead.
func StartUI(cfg UIConfig) (*UI, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port))
	if err := CheckUIPort(cfg.Port); err != nil {
		return nil, err
	}
	c := &uiconfig.Config{
		TemporalGRPCAddress: cfg.Frontend,
		Host:                "127.0.0.1",
		Port:                cfg.Port,
		EnableUI:            true,
		DefaultNamespace:    cfg.Namespace,
		DisableNewsFetch:    true,
		HideLogs:            true,
		CORS:                uiconfig.CORS{CookieInsecure: true},
	}
	u := &UI{srv: uiserver.NewServer(uioptions.WithConfigProvider(c)), addr: addr, done: make(chan struct{})}
	go func() {
		defer close(u.done)
		_ = u.srv.Start()
	}()
	if err := waitHTTP("http://" + addr + "/healthz"); err != nil {
		u.Stop()
		return nil, fmt.Errorf("temporal ui: %w", err)
	}
	return u, nil
}

// CheckUIPort says clearly when the UI's port on loopback is taken.
func CheckUIPort(port int) error {
	if _, err := reservePorts(net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err != nil {
		return fmt.Errorf("temporal ui: port %d is taken (choose another with --temporal-ui-port, or --temporal-ui=false): %w", port, err)
	}
	return nil
}

// URL is the address a browser opens.
func (u *UI) URL() string { return "http://" + u.addr }

// Stop closes the UI's listener.
func (u *UI) Stop() {
	u.srv.Stop()
	select {
	case <-u.done:
	case <-time.After(5 * time.Second):
	}
}

// waitHTTP polls url until it answers, for up to five seconds.
func waitHTTP(url string) error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := hc.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return errors.Join(errors.New("did not start within 5s"), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
