package dev.genbench.report;

import java.util.Locale;

/**
 * A small builder of inline SVG markup: the charts of the report are drawn with it, so the page needs
 * no script and no network when it is viewed. Output is XML-clean (escaped text, closed tags).
 */
final class Svg {
    private final StringBuilder sb = new StringBuilder();

    Svg(int width, int height, String label) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"").append(escape(label)).append("\">");
    }

    Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
        sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill).append('"');
        if (tooltip == null) {
            sb.append("/>");
        } else {
            sb.append("><title>").append(escape(tooltip)).append("</title></rect>");
        }
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        sb.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" class=\"").append(cssClass).append("\"/>");
        return this;
    }

    /** A text label; {@code anchor} is start, middle or end; {@code rotate} in degrees about its anchor. */
    Svg text(double x, double y, String text, String anchor, String cssClass, double rotate) {
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"").append(anchor)
                .append("\" class=\"").append(cssClass).append('"');
        if (rotate != 0) {
            sb.append(" transform=\"rotate(").append(n(rotate)).append(' ').append(n(x)).append(' ').append(n(y)).append(")\"");
        }
        sb.append('>').append(escape(text)).append("</text>");
        return this;
    }

    Svg polyline(double[] xs, double[] ys, String stroke, String cssClass, String tooltip) {
        sb.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" class=\"").append(cssClass)
                .append("\" points=\"");
        for (int i = 0; i < xs.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(n(xs[i])).append(',').append(n(ys[i]));
        }
        sb.append('"');
        if (tooltip == null) {
            sb.append("/>");
        } else {
            sb.append("><title>").append(escape(tooltip)).append("</title></polyline>");
        }
        return this;
    }

    Svg circle(double cx, double cy, double r, String fill, String tooltip) {
        sb.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(r))
                .append("\" fill=\"").append(fill).append("\"><title>").append(escape(tooltip)).append("</title></circle>");
        return this;
    }

    String end() {
        return sb.append("</svg>").toString();
    }

    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        var out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
