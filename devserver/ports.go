package devserver

import (
	"errors"
	"net"
)

// reservePorts listens on each address ("ip:port"; port 0 asks the kernel for
// a free one) and returns the ports it got. All listeners stay open until
// every port is known, so one call never hands out the same port twice; they
// are closed on return for the server to bind moments later.
func reservePorts(addrs ...string) ([]int, error) {
	ports := make([]int, 0, len(addrs))
	listeners := make([]net.Listener, 0, len(addrs))
	var err error
	for _, addr := range addrs {
		var l net.Listener
		l, err = net.Listen("tcp", addr)
		if err != nil {
			break
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range listeners {
		err = errors.Join(err, l.Close())
	}
	if err != nil {
		return nil, err
	}
	return ports, nil
}

// advertisedIP is the address clients dial for a service bound to ip: a
// wildcard bind is reached through loopback from this machine.
func advertisedIP(ip string) string {
	parsed := net.ParseIP(ip)
	switch {
	case parsed == nil || !parsed.IsUnspecified():
		return ip
	case parsed.To4() != nil:
		return "127.0.0.1"
	default:
		return "::1"
	}
}
