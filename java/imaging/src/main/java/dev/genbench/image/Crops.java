package dev.genbench.image;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The fixed-size crops of torchvision (v2) that the cropping strategies use, with torchvision's geometry:
 * zero padding when the image is smaller, offsets rounded half-to-even as Python's {@code round}.
 * Every method returns new Mats (or views sharing the source pixels) that the caller closes.
 */
public final class Crops {
    private Crops() {}

    /**
     * CenterCrop: pads (left, top, right, bottom) = ((w−W)//2, (h−H)//2, (w−W+1)//2, (h−H+1)//2) with zeros
     * where the crop is larger, then takes the box at round((H'−h)/2), round((W'−w)/2).
     */
    public static Mat center(Mat src, int width, int height) {
        int padLeft = Math.max(0, (width - src.cols()) / 2);
        int padTop = Math.max(0, (height - src.rows()) / 2);
        int padRight = Math.max(0, (width - src.cols() + 1) / 2);
        int padBottom = Math.max(0, (height - src.rows() + 1) / 2);
        if (padLeft + padTop + padRight + padBottom > 0) {
            try (Mat padded = pad(src, padTop, padBottom, padLeft, padRight)) {
                return centerView(padded, width, height);
            }
        }
        return centerView(src, width, height);
    }

    private static Mat centerView(Mat src, int width, int height) {
        int top = (int) Math.rint((src.rows() - height) / 2.0);
        int left = (int) Math.rint((src.cols() - width) / 2.0);
        return new CropBox(top, left, height, width).view(src);
    }

    /**
     * RandomCrop with pad_if_needed: a side shorter than the crop is padded with zeros on <em>both</em> ends
     * by the missing amount (torchvision's semantics), then the offsets top ~ U{0..H'−h}, left ~ U{0..W'−w}
     * are drawn in that order.
     */
    public static Mat random(Mat src, int width, int height, SeededRng rng) {
        int padX = Math.max(0, width - src.cols());
        int padY = Math.max(0, height - src.rows());
        Mat base = padX + padY > 0 ? pad(src, padY, padY, padX, padX) : src;
        try {
            int top = rng.nextInt(base.rows() - height + 1);
            int left = rng.nextInt(base.cols() - width + 1);
            return new CropBox(top, left, height, width).view(base);
        } finally {
            if (base != src) {
                base.close();
            }
        }
    }

    /**
     * FiveCrop in torchvision's order: top-left, top-right, bottom-left, bottom-right, centre. The image must
     * be at least width × height.
     */
    public static List<Mat> five(Mat src, int width, int height) {
        int w = src.cols();
        int h = src.rows();
        if (w < width || h < height) {
            throw new IllegalArgumentException("five-crop of " + width + "x" + height + " needs an image at least that large, got " + w + "x" + h);
        }
        List<Mat> crops = new ArrayList<>(5);
        crops.add(new CropBox(0, 0, height, width).view(src));
        crops.add(new CropBox(0, w - width, height, width).view(src));
        crops.add(new CropBox(h - height, 0, height, width).view(src));
        crops.add(new CropBox(h - height, w - width, height, width).view(src));
        crops.add(center(src, width, height));
        return crops;
    }

    private static Mat pad(Mat src, int top, int bottom, int left, int right) {
        Mat padded = new Mat();
        try (Scalar zero = new Scalar(0, 0, 0, 0)) {
            copyMakeBorder(src, padded, top, bottom, left, right, BORDER_CONSTANT, zero);
        }
        return padded;
    }
}
