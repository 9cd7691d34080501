package provider

import (
	"fmt"
	"strconv"
	"strings"
)

// releaseLinkID identifies a release link: the project as configured (numeric ID or full path), the release's tag
// and GitLab's link ID. Its string form is the official provider's import ID, "<project>:<tag_name>:<link_id>".
type releaseLinkID struct {
	Project string
	TagName string
	LinkID  int64
}

// importIDExamples is shown whenever an import ID cannot be understood.
const importIDExamples = "Use <project>:<tag_name>:<link_id> or <project>/<tag_name>/<link_id>, where <project> is a " +
	"numeric project ID or a full path, for example \"42:v1.0.0:7\", \"my-group/my-project:v1.0.0:7\" or " +
	"\"my-group/my-project/release/v1.0/7\"."

// String formats the ID as "<project>:<tag_name>:<link_id>".
func (id releaseLinkID) String() string {
	return fmt.Sprintf("%s:%s:%d", id.Project, id.TagName, id.LinkID)
}

// parseReleaseLinkID parses "<project>:<tag_name>:<link_id>". Neither project paths nor git tag names may
// contain ':' (git check-ref-format forbids it), so the first and the last colon are the separators.
func parseReleaseLinkID(s string) (releaseLinkID, error) {
	first, last := strings.Index(s, ":"), strings.LastIndex(s, ":")
	if first < 0 || first == last {
		return releaseLinkID{}, fmt.Errorf("the import ID %q is not of the form <project>:<tag_name>:<link_id>", s)
	}
	id := releaseLinkID{Project: s[:first], TagName: s[first+1 : last]}
	linkID, err := parseLinkID(s[last+1:])
	if err != nil {
		return releaseLinkID{}, err
	}
	id.LinkID = linkID
	if id.Project == "" || id.TagName == "" {
		return releaseLinkID{}, fmt.Errorf("the import ID %q has an empty project or tag name", s)
	}
	return id, nil
}

// slashImportCandidates lists every way "<project>/<tag_name>/<link_id>" can be split. Both full paths and tags
// may contain '/', so only the API can tell which split is real; a project is a numeric ID or contains a '/'.
func slashImportCandidates(s string) ([]releaseLinkID, error) {
	last := strings.LastIndex(s, "/")
	if last < 0 {
		return nil, fmt.Errorf("the import ID %q contains neither ':' nor '/'", s)
	}
	linkID, err := parseLinkID(s[last+1:])
	if err != nil {
		return nil, err
	}
	prefix := s[:last]
	var candidates []releaseLinkID
	for i := 0; i < len(prefix); i++ {
		if prefix[i] != '/' {
			continue
		}
		project, tag := prefix[:i], prefix[i+1:]
		if project == "" || tag == "" {
			continue
		}
		if _, err := strconv.ParseInt(project, 10, 64); err != nil && !strings.Contains(project, "/") {
			continue
		}
		candidates = append(candidates, releaseLinkID{Project: project, TagName: tag, LinkID: linkID})
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("the import ID %q cannot be split into a project, a tag name and a link ID", s)
	}
	return candidates, nil
}

// parseLinkID parses a positive link ID.
func parseLinkID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("the link ID %q is not a positive whole number", s)
	}
	return id, nil
}
