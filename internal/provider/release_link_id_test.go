package provider

import (
	"reflect"
	"testing"
)

func TestReleaseLinkIDRoundTrip(t *testing.T) {
	for _, id := range []releaseLinkID{
		{Project: "42", TagName: "v1.0.0", LinkID: 7},
		{Project: "group/sub/project", TagName: "release/v1.0", LinkID: 1},
		{Project: "g/p", TagName: "v1.0.0+build.5", LinkID: 123456789},
		{Project: "g/p", TagName: "версия-1.0", LinkID: 3},
	} {
		t.Run(id.String(), func(t *testing.T) {
			got, err := parseReleaseLinkID(id.String())
			if err != nil || got != id {
				t.Fatalf("parseReleaseLinkID(%q) = %+v, %v; want %+v", id.String(), got, err, id)
			}
		})
	}
}

func TestParseReleaseLinkIDErrors(t *testing.T) {
	for _, s := range []string{"", "a:b", "g/p:v1:x", "g/p:v1:0", "g/p:v1:-3", ":v1:3", "g/p::3", "g/p:v1:"} {
		t.Run(s, func(t *testing.T) {
			if id, err := parseReleaseLinkID(s); err == nil {
				t.Fatalf("parseReleaseLinkID(%q) = %+v, want an error", s, id)
			}
		})
	}
}

func TestSlashImportCandidates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []releaseLinkID
	}{
		{"42/v1.0.0/7", []releaseLinkID{{"42", "v1.0.0", 7}}},
		{"g/p/v1/7", []releaseLinkID{{"g/p", "v1", 7}}},
		{"g/p/release/v1/7", []releaseLinkID{{"g/p", "release/v1", 7}, {"g/p/release", "v1", 7}}},
		{"42/release/v1/7", []releaseLinkID{{"42", "release/v1", 7}, {"42/release", "v1", 7}}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := slashImportCandidates(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("slashImportCandidates(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"nothing", "g/p/v1/x", "p/7"} {
		if got, err := slashImportCandidates(bad); err == nil {
			t.Errorf("slashImportCandidates(%q) = %+v, want an error", bad, got)
		}
	}
}
