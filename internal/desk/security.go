package desk

import (
	"net"
	"net/http"
	"strings"
)

// A page served on 127.0.0.1 is reachable from any website the clerk
// visits: a page on the internet can make the clerk's browser post to it
// (cross-site requests) or point a name it controls at 127.0.0.1 (DNS
// rebinding). Following Syncthing, the desk
//   - answers only requests whose Host is the address it serves (with
//     localhost and 127.0.0.1 both accepted when it serves loopback, and
//     only IP addresses when it serves a LAN address);
//   - refuses a state-changing request from another origin (Origin, and
//     Sec-Fetch-Site where the browser sends it);
//   - wants its token in the X-Taizhang-Token header of every
//     state-changing request a browser makes; programs (no Origin, no
//     Sec-Fetch-Site: no browser can be tricked into being one) need none;
//   - sends the security headers: a Content-Security-Policy allowing only
//     its own scripts and styles, no framing, nosniff, no referrer.

// TokenHeader carries the CSRF token.
const TokenHeader = "X-Taizhang-Token"

// isLoopback reports whether addr's host is a loopback address or
// localhost.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostAllowed reports whether a request's Host names the served address.
func (s *Server) hostAllowed(host string) bool {
	_, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		return false
	}
	h, p, err := net.SplitHostPort(host)
	if err != nil || p != port {
		return false
	}
	if s.loopback {
		if strings.EqualFold(h, "localhost") {
			return true
		}
		ip := net.ParseIP(h)
		return ip != nil && ip.IsLoopback()
	}
	// Served on a LAN address: only an IP literal, which no DNS name can
	// rebind to.
	return net.ParseIP(strings.Trim(h, "[]")) != nil
}

// sameOrigin reports whether an Origin header names this server as
// reached through host.
func sameOrigin(origin, host string) bool {
	return strings.EqualFold(origin, "http://"+host)
}

func securityHeaders(h http.Header, page bool) {
	if page {
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	} else {
		// Downloads and PDFs: the browser's own viewer must be free to
		// show them; they still may not be framed by another site.
		h.Set("Content-Security-Policy", "frame-ancestors 'self'")
	}
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

// guard applies the rules above before next sees a request.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header(), !strings.HasPrefix(r.URL.Path, "/files/"))
		if !s.hostAllowed(r.Host) {
			http.Error(w, "拒绝访问：请用 http://"+s.addr+" 打开台账工作台。", http.StatusMisdirectedRequest)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			origin := r.Header.Get("Origin")
			site := r.Header.Get("Sec-Fetch-Site")
			if origin != "" && !sameOrigin(origin, r.Host) || site != "" && site != "same-origin" && site != "none" {
				http.Error(w, "拒绝访问：其他网站不能替您上传或生成文件。", http.StatusForbidden)
				return
			}
			if (origin != "" || site != "") && r.Header.Get(TokenHeader) != s.token {
				http.Error(w, "拒绝访问：页面已过期，请刷新后重试。", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
