package sso_test

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/samlidp"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/waymark/waymark/internal/sso"
	"github.com/waymark/waymark/internal/testfix"
)

// idp is a real SAML identity provider (crewjam/saml's samlidp) on its
// own listener: a login form, then a signed response posted by the
// browser to the SP's ACS.
type idp struct {
	t   testing.TB
	url string
}

func newIDP(t testing.TB) *idp {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://" + ln.Addr().String())
	key, cert := keypair(t, "idp")
	srv, err := samlidp.New(samlidp.Options{URL: *base, Key: key, Certificate: cert, Store: &samlidp.MemoryStore{}})
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return &idp{t: t, url: base.String()}
}

func (i *idp) put(path string, body []byte) {
	i.t.Helper()
	req, _ := http.NewRequest(http.MethodPut, i.url+path, bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		i.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		i.t.Fatalf("PUT %s: %d", path, resp.StatusCode)
	}
}

// user adds a person to the IdP (password "pw").
func (i *idp) user(name, email string, groups ...string) {
	b, _ := json.Marshal(map[string]any{"name": name, "password": "pw", "email": email, "common_name": "Sam " + name, "groups": groups})
	i.put("/users/"+name, b)
}

// samlProvider configures a SAML provider over i and registers Waymark's
// SP metadata at the IdP, as an agency's administrator would. The IdP
// encrypts assertions to the SP's key, as the metadata offers.
func (w *waymark) samlProvider(i *idp, edit func(*sso.Input)) int64 {
	return w.samlProviderEnc(i, edit, true)
}

// samlProviderEnc is samlProvider; without encrypt, the SP's encryption key
// is left out of what the IdP is given, so the IdP sends its assertions in
// the clear (signed), as many agencies' IdPs do, and the tests can forge
// them.
func (w *waymark) samlProviderEnc(i *idp, edit func(*sso.Input), encrypt bool) int64 {
	w.t.Helper()
	in := sso.Input{Name: "Lowell Schools (SAML) " + testfix.Unique(""), Protocol: sso.SAML, MetadataURL: i.url + "/metadata",
		Domains: []string{testfix.Unique("lowellsaml") + ".test"}, JIT: true, RolesClaim: "eduPersonAffiliation",
		DefaultOrgCode: w.code(w.school), RoleMap: map[string][]string{"Teachers": {"teacher"}}}
	if edit != nil {
		edit(&in)
	}
	id := w.provider(in)
	resp, err := http.Get(fmt.Sprintf("%s/sso/%d/metadata", w.base, id))
	if err != nil {
		w.t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(buf.String(), "AssertionConsumerService") {
		w.t.Fatalf("SP metadata: %d %s", resp.StatusCode, buf.String())
	}
	meta := buf.Bytes()
	if !encrypt {
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(meta); err != nil {
			w.t.Fatal(err)
		}
		for _, kd := range doc.FindElements("//KeyDescriptor[@use='encryption']") {
			kd.Parent().RemoveChild(kd)
		}
		meta, _ = doc.WriteToBytes()
	}
	i.put(fmt.Sprintf("/services/sp%d", id), meta)
	return id
}

var acsRE = regexp.MustCompile(`^/sso/[0-9]+/acs$`)

// samlResponse signs in at the IdP as name and returns the IdP's
// auto-post page (SAMLResponse and RelayState) without posting it.
func samlResponse(t *testing.T, w *waymark, b *browser, email, name string) page {
	t.Helper()
	login := b.signInWithEmail(w, email, "")
	if !strings.Contains(login.Body, `name="password"`) || !strings.HasPrefix(login.URL.String(), "http://127.0.0.1") {
		t.Fatalf("expected the IdP's login form, got %s:\n%s\n%s", login.URL, login.Body, w.logs)
	}
	post := b.submit(login, url.Values{"user": {name}, "password": {"pw"}})
	if !strings.Contains(post.Body, "SAMLResponse") {
		t.Fatalf("the IdP did not answer with a SAMLResponse form:\n%s", post.Body)
	}
	return post
}

func formField(t *testing.T, p page, name string) string {
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no %s on the page", name)
	}
	return htmlUnescape(m[1])
}

// postACS posts a (possibly altered) response to the ACS, as the IdP's
// page would.
func postACS(b *browser, w *waymark, id int64, samlResponse, relay string) page {
	return b.post(fmt.Sprintf("%s/sso/%d/acs", w.base, id), url.Values{"SAMLResponse": {samlResponse}, "RelayState": {relay}})
}

// A person signs in email-first with a SAML IdP: the AuthnRequest goes out
// by redirect, the signed response comes back by the browser's POST, and
// the person is created just in time with their group's role.
func TestSAMLSignInEndToEnd(t *testing.T) {
	w := newWaymark(t)
	i := newIDP(t)
	id := w.samlProvider(i, nil)
	email := "teach." + testfix.Unique("") + "@" + w.domainOf(id)
	i.user("teach", email, "Teachers")

	b := newBrowser(t)
	p := b.submit(samlResponse(t, w, b, email, "teach"), nil)
	if p.Status != 200 || p.URL.Path != "/my" {
		t.Fatalf("SAML sign-in ended on %s (%d):\n%s\nlog: %s", p.URL, p.Status, p.Body, w.logs)
	}
	uid, org, roles := w.userByEmail(email)
	if org != w.school || strings.Join(roles, ",") != "teacher" {
		t.Fatalf("created in %d with %v", org, roles)
	}
	var assigned int
	w.db.Get(&assigned, `SELECT count(*) FROM assignments WHERE user_id = $1`, uid)
	if assigned == 0 {
		t.Fatal("no training assigned to the person created just in time")
	}
}

func TestSAMLRefusesForgedAndReplayedResponses(t *testing.T) {
	w := newWaymark(t)
	i := newIDP(t)
	id := w.samlProviderEnc(i, nil, false)
	domain := w.domainOf(id)
	i.user("alice", "alice@"+domain, "Teachers")
	i.user("mallory", "mallory@"+domain, "Teachers")
	victim := "victim." + testfix.Unique("") + "@" + domain
	testfix.User(t, w.db, w.school, testfix.UserSpec{Name: "Victim"})
	w.db.Exec(`UPDATE users SET email = $1 WHERE id = (SELECT max(id) FROM users)`, victim)

	// fresh returns a valid response of mallory's, its decoded XML and the
	// browser and relay state it belongs to.
	fresh := func(t *testing.T) (*browser, *etree.Document, string) {
		b := newBrowser(t)
		p := samlResponse(t, w, b, "mallory@"+domain, "mallory")
		raw, _ := base64.StdEncoding.DecodeString(formField(t, p, "SAMLResponse"))
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(raw); err != nil {
			t.Fatal(err)
		}
		return b, doc, formField(t, p, "RelayState")
	}
	encode := func(doc *etree.Document) string {
		s, _ := doc.WriteToString()
		return base64.StdEncoding.EncodeToString([]byte(s))
	}
	assertionOf := func(doc *etree.Document) *etree.Element {
		a := doc.FindElement("//Assertion")
		if a == nil {
			panic("no assertion in the response")
		}
		return a
	}
	setNameID := func(a *etree.Element, v string) {
		for _, el := range a.FindElements(".//NameID") {
			el.SetText(v)
		}
		for _, el := range a.FindElements(".//AttributeValue") {
			if strings.Contains(el.Text(), "@") {
				el.SetText(v)
			}
		}
	}
	stripSignatures := func(el *etree.Element) {
		for _, s := range el.FindElements(".//Signature") {
			s.Parent().RemoveChild(s)
		}
	}

	// unsignResponse drops the Response's own signature, keeping the
	// assertion's: the SP then relies on the assertion's alone.
	unsignResponse := func(doc *etree.Document) {
		if s := doc.Root().SelectElement("Signature"); s != nil {
			doc.Root().RemoveChild(s)
		}
	}

	t.Run("assertion signed, response not: accepted", func(t *testing.T) {
		b, doc, relay := fresh(t)
		unsignResponse(doc)
		if p := postACS(b, w, id, encode(doc), relay); p.URL.Path != "/my" {
			t.Fatalf("a response whose assertion alone is signed was refused: %s\n%s", p.URL, w.logs)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		b, doc, relay := fresh(t)
		stripSignatures(doc.Root())
		refused(t, w, b, postACS(b, w, id, encode(doc), relay), "signature element not present")
	})
	t.Run("altered after signing", func(t *testing.T) {
		b, doc, relay := fresh(t)
		setNameID(assertionOf(doc), victim)
		refused(t, w, b, postACS(b, w, id, encode(doc), relay), "Signature could not be verified")
	})
	t.Run("altered after signing, response unsigned", func(t *testing.T) {
		b, doc, relay := fresh(t)
		unsignResponse(doc)
		setNameID(assertionOf(doc), victim)
		refused(t, w, b, postACS(b, w, id, encode(doc), relay), "cannot validate signature on Assertion")
	})
	t.Run("signed by another key", func(t *testing.T) {
		b, doc, relay := fresh(t)
		stripSignatures(doc.Root())
		a := assertionOf(doc)
		setNameID(a, victim)
		key, cert := keypair(t, "attacker")
		ctx := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}))
		signed, err := ctx.SignEnveloped(a)
		if err != nil {
			t.Fatal(err)
		}
		parent := a.Parent()
		parent.InsertChildAt(a.Index(), signed)
		parent.RemoveChild(a)
		refused(t, w, b, postACS(b, w, id, encode(doc), relay), "Could not verify certificate against trusted certs")
	})
	// forge puts a copy of the signed assertion, unsigned and naming the
	// victim, before it in a response that is not signed itself.
	forge := func(t *testing.T) (b *browser, doc *etree.Document, relay string, signed, evil *etree.Element) {
		b, doc, relay = fresh(t)
		unsignResponse(doc)
		signed = assertionOf(doc)
		evil = signed.Copy()
		stripSignatures(evil)
		evil.CreateAttr("ID", "_evil")
		setNameID(evil, victim)
		signed.Parent().InsertChildAt(signed.Index(), evil)
		return b, doc, relay, signed, evil
	}
	t.Run("signature wrapping: forged assertion beside the signed one", func(t *testing.T) {
		b, doc, relay, _, _ := forge(t)
		refused(t, w, b, postACS(b, w, id, encode(doc), relay), "must contain exactly one Assertion")
	})
	t.Run("signature wrapping: signed assertion hidden inside the forged one", func(t *testing.T) {
		b, doc, relay, signed, evil := forge(t)
		signed.Parent().RemoveChild(signed)
		ext := evil.CreateElement("samlp:Extensions")
		ext.AddChild(signed)
		refused(t, w, b, postACS(b, w, id, encode(doc), relay), "signature element not present")
	})
	t.Run("wrong relay state", func(t *testing.T) {
		b, doc, relay := fresh(t)
		refused(t, w, b, postACS(b, w, id, encode(doc), relay+"x"), "state missing or not this browser's")
	})
	t.Run("another browser's response", func(t *testing.T) {
		_, doc, relay := fresh(t)
		other := newBrowser(t)
		refused(t, w, other, postACS(other, w, id, encode(doc), relay), "state missing or not this browser's")
	})
	var u int
	w.db.Get(&u, `SELECT count(*) FROM sso_links l JOIN users u ON u.id = l.user_id WHERE u.email = $1`, victim)
	if u != 0 {
		t.Fatal("a forged response linked the victim")
	}
}

// IdP-initiated sign-in is refused unless the provider allows it; when it
// does, an assertion used once is refused the second time (the
// sso_saml_assertions table), and an assertion for another SP is refused
// (audience and recipient).
func TestSAMLIdPInitiatedAndReplay(t *testing.T) {
	w := newWaymark(t)
	i := newIDP(t)
	closed := w.samlProvider(i, nil)
	open := w.samlProvider(i, func(in *sso.Input) { in.IDPInitiated = true })
	for _, p := range []int64{closed, open} {
		b, _ := json.Marshal(map[string]any{"name": fmt.Sprint("sp", p), "service_provider": fmt.Sprintf("%s/sso/%d/metadata", w.base, p)})
		i.put(fmt.Sprintf("/shortcuts/sp%d", p), b)
	}
	i.user("olive", "olive@"+w.domainOf(open), "Teachers")
	i.user("carl", "carl@"+w.domainOf(closed), "Teachers")

	unsolicited := func(b *browser, name string, sp int64) page {
		b.post(i.url+"/login", url.Values{"user": {name}, "password": {"pw"}})
		p := b.get(fmt.Sprintf("%s/login/sp%d", i.url, sp))
		if !strings.Contains(p.Body, "SAMLResponse") {
			t.Fatalf("no IdP-initiated response:\n%s", p.Body)
		}
		return p
	}

	b := newBrowser(t)
	p := unsolicited(b, "carl", closed)
	refused(t, w, b, postACS(b, w, closed, formField(t, p, "SAMLResponse"), ""), "state missing")

	b = newBrowser(t)
	p = unsolicited(b, "olive", open)
	resp := formField(t, p, "SAMLResponse")
	if got := postACS(b, w, open, resp, ""); got.URL.Path != "/my" {
		t.Fatalf("IdP-initiated sign-in on the provider that allows it ended on %s\n%s", got.URL, w.logs)
	}
	b2 := newBrowser(t)
	refused(t, w, b2, postACS(b2, w, open, resp, ""), "assertion has already been used")

	// olive's response for the open provider, posted to another SP's ACS.
	third := w.samlProvider(i, func(in *sso.Input) { in.IDPInitiated = true })
	b3 := newBrowser(t)
	p = unsolicited(b3, "olive", open)
	refused(t, w, b3, postACS(b3, w, third, formField(t, p, "SAMLResponse"), ""), "`Destination` does not match")
}
