namespace TextTagger.Calibration;

/// <summary>
/// Fits one label's map of logits by maximum likelihood on tune rows: Platt scaling (slope and intercept: a logistic
/// regression on logit(p), as sklearn's LogisticRegression on that one feature without penalty) or temperature scaling
/// (slope only). Newton's method on the log-loss, which is convex in both; each step is halved until the loss falls.
/// </summary>
public static class CalibrationFit
{
    /// <summary>Probabilities are held this far from 0 and 1 before their logit is taken (logit ±34.5).</summary>
    const double Epsilon = 1e-15;

    public static double Logit(double p)
    {
        p = Math.Clamp(p, Epsilon, 1 - Epsilon);
        return Math.Log(p / (1 - p));
    }

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>The map of <paramref name="label"/> fit on its tune probabilities; identity when the rows hold only
    /// one class or the fit would reverse the ranking (slope ≤ 0), which <paramref name="warning"/> is told.</summary>
    public static LabelCalibration Fit(string label, ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> truth, CalibrationMethod method,
                                       Action<string>? warning = null)
    {
        var identity = new LabelCalibration(label, 1, 0);
        if (method == CalibrationMethod.None) return identity;
        int positives = 0;
        foreach (bool t in truth) if (t) positives++;
        if (positives == 0 || positives == truth.Length)
        {
            warning?.Invoke($"'{label}': the tune rows hold only one class; left uncalibrated");
            return identity;
        }
        var x = new double[probabilities.Length];
        for (int i = 0; i < x.Length; i++) x[i] = Logit(probabilities[i]);
        var (slope, intercept) = Newton(x, truth, fitIntercept: method == CalibrationMethod.Platt);
        if (!(slope > 0) || !double.IsFinite(intercept))
        {
            warning?.Invoke($"'{label}': the {method.ToString().ToLowerInvariant()} fit gave slope {slope:G3}; left uncalibrated");
            return identity;
        }
        return new LabelCalibration(label, slope, intercept);
    }

    static (double Slope, double Intercept) Newton(double[] x, ReadOnlySpan<bool> y, bool fitIntercept)
    {
        double a = 1, b = 0;
        double loss = Loss(x, y, a, b);
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double p = Sigmoid(a * x[i] + b), r = p - (y[i] ? 1 : 0), w = p * (1 - p);
                ga += r * x[i];
                gb += r;
                haa += w * x[i] * x[i];
                hab += w * x[i];
                hbb += w;
            }
            // A tiny ridge keeps the step defined when the rows are (nearly) separable.
            haa += 1e-9 * x.Length;
            hbb += 1e-9 * x.Length;
            double da, db;
            if (fitIntercept)
            {
                double det = haa * hbb - hab * hab;
                da = (hbb * ga - hab * gb) / det;
                db = (haa * gb - hab * ga) / det;
            }
            else
            {
                da = ga / haa;
                db = 0;
            }
            double step = 1, next = double.PositiveInfinity;
            for (int halving = 0; halving < 40; halving++, step /= 2)
            {
                next = Loss(x, y, a - step * da, b - step * db);
                if (next <= loss) break;
            }
            if (!(next <= loss)) break;
            a -= step * da;
            b -= step * db;
            bool converged = loss - next <= 1e-12 * Math.Max(1, loss) && Math.Abs(step * da) < 1e-10 && Math.Abs(step * db) < 1e-10;
            loss = next;
            if (converged) break;
        }
        return (a, b);
    }

    /// <summary>Summed log-loss of σ(a·x + b), computed stably.</summary>
    static double Loss(double[] x, ReadOnlySpan<bool> y, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double z = a * x[i] + b;
            // -log σ(z) = softplus(-z); -log(1 - σ(z)) = softplus(z).
            sum += Softplus(y[i] ? -z : z);
        }
        return sum;
    }

    static double Softplus(double z) => z > 0 ? z + double.LogP1(Math.Exp(-z)) : double.LogP1(Math.Exp(z));
}
