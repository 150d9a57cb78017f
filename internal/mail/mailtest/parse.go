package mailtest

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Parsed is a received message taken apart: decoded subject, headers and
// the plain-text and HTML alternatives.
type Parsed struct {
	Header  mail.Header
	Subject string
	Text    string
	HTML    string
}

// Parse reads an RFC 5322 message with a multipart/alternative body (or a
// single part) and decodes each part's transfer encoding.
func Parse(raw []byte) (Parsed, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{Header: m.Header}
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		return p, err
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return p, fmt.Errorf("content type: %w", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body, err := decode(m.Body, m.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return p, err
		}
		p.set(mt, body)
		return p, nil
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return p, err
		}
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		body, err := decode(part, part.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return p, err
		}
		p.set(pt, body)
	}
}

func (p *Parsed) set(mediaType, body string) {
	switch mediaType {
	case "text/plain":
		p.Text = body
	case "text/html":
		p.HTML = body
	}
}

func decode(r io.Reader, enc string) (string, error) {
	if strings.EqualFold(enc, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	return string(b), err
}
