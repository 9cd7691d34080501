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

func TestReleaseIDRoundTrip(t *testing.T) {
	for _, id := range []releaseID{
		{Project: "42", TagName: "v1.0.0"},
		{Project: "group/sub/project", TagName: "release/v1.0"},
		{Project: "g/p", TagName: "v1.0.0+build.5"},
		{Project: "g/p", TagName: "версия-1.0"},
	} {
		t.Run(id.String(), func(t *testing.T) {
			got, err := parseReleaseID(id.String())
			if err != nil || got != id {
				t.Fatalf("parseReleaseID(%q) = %+v, %v; want %+v", id.String(), got, err, id)
			}
		})
	}
}

func TestParseReleaseIDErrors(t *testing.T) {
	for _, s := range []string{":", "g/p:", ":v1", "g/p:v1:7", "g/p::v1"} {
		t.Run(s, func(t *testing.T) {
			if id, err := parseReleaseID(s); err == nil {
				t.Fatalf("parseReleaseID(%q) = %+v, want an error", s, id)
			}
		})
	}
}

func TestSlashReleaseCandidates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []releaseID
	}{
		{"42/v1.0.0", []releaseID{{"42", "v1.0.0"}}},
		{"g/p/v1", []releaseID{{"g/p", "v1"}}},
		{"g/p/release/v1", []releaseID{{"g/p", "release/v1"}, {"g/p/release", "v1"}}},
		{"42/release/v1", []releaseID{{"42", "release/v1"}, {"42/release", "v1"}}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := slashReleaseCandidates(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("slashReleaseCandidates(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"nothing", "p/v1", "/v1", "g/p/"} {
		if got, err := slashReleaseCandidates(bad); err == nil {
			t.Errorf("slashReleaseCandidates(%q) = %+v, want an error", bad, got)
		}
	}
}
