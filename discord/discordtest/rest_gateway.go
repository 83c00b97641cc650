package discordtest

import "net/http"

func (e *Emulator) gatewayRoutes() {
	e.route("GET", "/gateway", func(c *call) (int, any, *apiError) {
		return http.StatusOK, map[string]any{"url": e.wsURL(c.r)}, nil
	})
	e.route("GET", "/gateway/bot", func(c *call) (int, any, *apiError) {
		return http.StatusOK, map[string]any{
			"url":    e.wsURL(c.r),
			"shards": 1,
			"session_start_limit": map[string]any{
				"total": 1000, "remaining": 1000, "reset_after": 86400000, "max_concurrency": 1,
			},
		}, nil
	})
}

// wsURL is the gateway address on the host the client reached us by, so it
// works behind any listener and any scheme+host rewrite.
func (e *Emulator) wsURL(r *http.Request) string {
	if e.seed.GatewayURL != "" {
		return e.seed.GatewayURL
	}
	return "ws://" + r.Host + "/ws"
}
