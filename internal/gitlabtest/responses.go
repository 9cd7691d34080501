package gitlabtest

import (
	"encoding/json"
	"net/http"
	"time"
)

// GitLab answers errors in three shapes (§3a): {"message": string} from its helpers, {"message": [...]} from model
// validation, and {"error": string} from Grape (param validation, the catch-all route).

type messageBody struct {
	Message any `json:"message"`
}

type errorBody struct {
	Error string `json:"error"`
}

// jsonResponse marshals v compactly, as Grape does. encoding/json escapes <, > and & like ActiveSupport's encoder.
func jsonResponse(status int, v any) *response {
	body, err := json.Marshal(v)
	if err != nil {
		panic("gitlabtest: cannot marshal response: " + err.Error())
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &response{status: status, header: h, body: body}
}

func messageResponse(status int, msg any) *response {
	return jsonResponse(status, messageBody{Message: msg})
}

func errorResponse(status int, msg string) *response {
	return jsonResponse(status, errorBody{Error: msg})
}

// catchAll is GitLab's `route :any, '*path'`: unknown paths, wrong verbs and unencoded '/' in :id or :tag_name.
func catchAll() *response { return errorResponse(http.StatusNotFound, "404 Not Found") }

func projectNotFound() *response {
	return messageResponse(http.StatusNotFound, "404 Project Not Found")
}

// recordNotFound is ActiveRecord::RecordNotFound rescued by api.rb: note the lowercase "f" (§3a).
func recordNotFound() *response { return messageResponse(http.StatusNotFound, "404 Not found") }

func forbidden() *response { return messageResponse(http.StatusForbidden, "403 Forbidden") }

func unauthorized() *response { return messageResponse(http.StatusUnauthorized, "401 Unauthorized") }

// timeJSON formats timestamps the way GitLab's API does: UTC, millisecond precision.
func timeJSON(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// userJSON is GitLab's UserBasic entity, trimmed to the fields the harness needs.
type userJSON struct {
	ID        int64   `json:"id"`
	Username  string  `json:"username"`
	Name      string  `json:"name"`
	State     string  `json:"state"`
	Locked    bool    `json:"locked"`
	AvatarURL *string `json:"avatar_url"`
	WebURL    string  `json:"web_url"`
}

func (c *call) userJSON(u *user) *userJSON {
	return &userJSON{ID: u.id, Username: u.username, Name: u.name, State: "active", WebURL: c.s.baseURL + "/" + u.username}
}
