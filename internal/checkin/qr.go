package checkin

import (
	"bytes"
	"fmt"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// QRSVG draws text as a QR code in SVG: one path of dark modules with a
// quiet zone of four, scaling sharply to a projector or a printed badge.
func QRSVG(text string) ([]byte, error) {
	qr, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("checkin: qr: %w", err)
	}
	w := &svgWriter{}
	if err := qr.Save(w); err != nil {
		return nil, fmt.Errorf("checkin: qr: %w", err)
	}
	return w.buf.Bytes(), nil
}

type svgWriter struct{ buf bytes.Buffer }

func (w *svgWriter) Write(m qrcode.Matrix) error {
	const quiet = 4
	bits := m.Bitmap()
	size := len(bits) + 2*quiet
	fmt.Fprintf(&w.buf, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, size, size)
	fmt.Fprintf(&w.buf, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&w.buf, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	w.buf.WriteString(`"/></svg>`)
	return nil
}

func (w *svgWriter) Close() error { return nil }
