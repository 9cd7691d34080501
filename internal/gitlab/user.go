package gitlab

import (
	"context"
	"net/http"
)

// User is the subset of GitLab's user JSON returned by CurrentUser.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

// CurrentUser returns the user the token belongs to (GET /user). It needs a
// personal, project, group or OAuth token; a job token gets 401.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var u User
	if _, err := c.do(ctx, http.MethodGet, "/user", nil, nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// CheckAuth makes one cheap authenticated request to verify the token: GET
// /user for access and OAuth tokens, GET /job for a CI job token, which
// cannot read /user. A bad token is a 401 *Error. Without a token it sends
// nothing and returns nil, since anonymous access has nothing to verify.
func (c *Client) CheckAuth(ctx context.Context) error {
	if c.token == "" {
		return nil
	}
	path := "/user"
	if c.authKind == AuthJobToken {
		path = "/job"
	}
	_, err := c.do(ctx, http.MethodGet, path, nil, nil, nil)
	return err
}
