package dev.genbench.minibench;

/**
 * Binary logistic regression with an L2 penalty, fitted by Newton's method: minimises
 * {@code Σ_i log(1 + exp(-y_i (w·x_i + b))) + (λ/2)·|w|²} with y in {-1, +1} and the intercept b not
 * penalised. Small and exact: meant for tens of features and thousands of rows (the cue and probe checks),
 * where Newton converges in a handful of steps and no learning rate needs tuning.
 *
 * @param weights w, one per feature
 * @param intercept b
 */
public record LogisticRegression(double[] weights, double intercept) {
    private static final int MAX_NEWTON_STEPS = 50;
    private static final double TOLERANCE = 1e-10;

    /** Fits on rows {@code x} (n × d) and labels 0/1. */
    public static LogisticRegression fit(double[][] x, int[] labels, double lambda) {
        int n = x.length;
        if (n == 0 || n != labels.length) {
            throw new IllegalArgumentException("need as many labels as rows, and at least one row");
        }
        int d = x[0].length;
        double[] beta = new double[d + 1]; // weights, then the intercept
        for (int step = 0; step < MAX_NEWTON_STEPS; step++) {
            double[] gradient = new double[d + 1];
            double[][] hessian = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double z = beta[d];
                for (int j = 0; j < d; j++) {
                    z += beta[j] * x[i][j];
                }
                double p = sigmoid(z);
                double residual = p - labels[i];
                double curvature = Math.max(p * (1 - p), 1e-12);
                for (int j = 0; j <= d; j++) {
                    double xj = j == d ? 1 : x[i][j];
                    gradient[j] += residual * xj;
                    for (int k = 0; k <= j; k++) {
                        double xk = k == d ? 1 : x[i][k];
                        hessian[j][k] += curvature * xj * xk;
                    }
                }
            }
            for (int j = 0; j <= d; j++) {
                for (int k = 0; k < j; k++) {
                    hessian[k][j] = hessian[j][k];
                }
            }
            for (int j = 0; j < d; j++) {
                gradient[j] += lambda * beta[j];
                hessian[j][j] += lambda;
            }
            // A tiny ridge on the intercept keeps the system solvable when one class is absent.
            hessian[d][d] += 1e-9;
            double[] delta = solve(hessian, gradient);
            double change = 0;
            for (int j = 0; j <= d; j++) {
                beta[j] -= delta[j];
                change = Math.max(change, Math.abs(delta[j]));
            }
            if (change < TOLERANCE) {
                break;
            }
        }
        double[] w = new double[d];
        System.arraycopy(beta, 0, w, 0, d);
        return new LogisticRegression(w, beta[d]);
    }

    /** P(label = 1 | x). */
    public double probability(double[] x) {
        double z = intercept;
        for (int j = 0; j < weights.length; j++) {
            z += weights[j] * x[j];
        }
        return sigmoid(z);
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    // Cholesky solve of the symmetric positive-definite Newton system a·x = b.
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    l[i][i] = Math.sqrt(Math.max(s, 1e-300));
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
