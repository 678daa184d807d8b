using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace TextTagger.Tests.TestSupport;

/// <summary>
/// Reads the IL of every test class (its methods, constructors, lambdas, local functions and async state machines, its
/// fixtures, and every helper of this assembly they call, transitively) and says which ones seed libtorch's global
/// random generator, draw from it, or train — so <see cref="TorchRandomRuleTests"/> can check that each of them is in
/// <see cref="TorchRandomCollection"/>.
/// </summary>
public static class TorchRandomRules
{
    /// <summary>libtorch functions that seed or set the global generator.</summary>
    static readonly HashSet<string> Seeding = ["manual_seed", "seed", "set_rng_state"];

    /// <summary>libtorch functions that draw from a generator: the global one unless the caller made one of its own.</summary>
    static readonly HashSet<string> Drawing =
    [
        "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like", "bernoulli", "bernoulli_", "multinomial",
        "normal", "normal_", "uniform_", "random_", "exponential_", "geometric_", "cauchy_", "log_normal_", "poisson", "dropout",
        "kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_", "trunc_normal_", "orthogonal_", "sparse_",
    ];

    /// <summary>Methods of the project that draw from the global generator, and whose draws a caller would look at.</summary>
    static readonly HashSet<string> ProjectDrawing =
    [
        "TextTagger.Modeling.BertForMultiLabelClassification.InitializeWeights",
        "TextTagger.Modeling.BertForMultiLabelClassification.ResetClassifier",
        "TextTagger.Modeling.DropoutMask.NextKey",
    ];

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Each test class of <paramref name="assembly"/> that seeds, draws from or trains with libtorch's global
    /// generator, with the first reasons found (method: what it calls).</summary>
    public static IReadOnlyDictionary<Type, IReadOnlyList<string>> Users(Assembly assembly)
    {
        var users = new Dictionary<Type, IReadOnlyList<string>>();
        foreach (var type in assembly.GetTypes().Where(IsTestClass))
        {
            var reasons = new Scan(assembly).Run(Roots(type));
            if (reasons.Count > 0) users[type] = reasons;
        }
        return users;
    }

    public static bool IsTestClass(Type type) =>
        type is { IsClass: true, IsAbstract: false } && !type.IsDefined(typeof(CompilerGeneratedAttribute))
        && type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Any(m => m.IsDefined(typeof(FactAttribute), inherit: true));

    /// <summary>The class's own code and its fixtures' (class fixtures, and its collection's fixtures).</summary>
    static IEnumerable<MethodBase> Roots(Type type)
    {
        var types = new List<Type> { type };
        for (var b = type.BaseType; b != null && b.Assembly == type.Assembly; b = b.BaseType) types.Add(b);
        types.AddRange(type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
                           .Select(i => i.GetGenericArguments()[0]));
        string? collection = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(CollectionAttribute))
            ?.ConstructorArguments[0].Value as string;
        if (collection != null)
        {
            var definition = type.Assembly.GetTypes().FirstOrDefault(t => t.GetCustomAttributesData().Any(a =>
                a.AttributeType == typeof(CollectionDefinitionAttribute) && a.ConstructorArguments.Count > 0 && (string?)a.ConstructorArguments[0].Value == collection));
            if (definition != null)
                types.AddRange(definition.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionFixture<>))
                                         .Select(i => i.GetGenericArguments()[0]));
        }
        return types.Where(t => t.Assembly == type.Assembly).SelectMany(WithNested).SelectMany(Members);
    }

    static IEnumerable<Type> WithNested(Type type) => type.GetNestedTypes(Everything).SelectMany(WithNested).Prepend(type);

    static IEnumerable<MethodBase> Members(Type type) =>
        type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything));

    sealed class Scan(Assembly assembly)
    {
        readonly HashSet<MethodBase> _seen = [];
        readonly List<string> _reasons = [];
        bool _callsCli, _saysTrain;
        string? _cliCaller;

        public List<string> Run(IEnumerable<MethodBase> roots)
        {
            foreach (var root in roots) Visit(root);
            if (_callsCli && _saysTrain) _reasons.Add($"{_cliCaller}: runs `texttagger train` in-process (TextTaggerCli.Run)");
            return _reasons;
        }

        void Visit(MethodBase method)
        {
            if (!_seen.Add(method)) return;
            byte[]? il;
            try { il = method.GetMethodBody()?.GetILAsByteArray(); }
            catch (Exception e) when (e is InvalidOperationException or BadImageFormatException) { return; }
            if (il == null) return;
            var calls = new List<(MethodBase Callee, bool AfterFalse)>();
            bool makesGenerator = false, saysTrain = false, saysNGram = false;
            for (int i = 0; i < il.Length;)
            {
                OpCode op = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
                int at = i + op.Size;
                bool afterFalse = i > 0 && il[i - 1] == OpCodes.Ldc_I4_0.Value;
                if (op.OperandType == OperandType.InlineMethod)
                {
                    var callee = Resolve(method, BitConverter.ToInt32(il, at));
                    if (callee != null)
                    {
                        if (op == OpCodes.Newobj && callee.DeclaringType?.FullName == "TorchSharp.torch+Generator") makesGenerator = true;
                        calls.Add((callee, afterFalse));
                    }
                }
                else if (op == OpCodes.Ldstr)
                {
                    string literal = method.Module.ResolveString(BitConverter.ToInt32(il, at));
                    saysTrain |= literal == "train";
                    saysNGram |= literal == "ngram";
                }
                i = at + OperandSize(op, il, at);
            }
            _saysTrain |= saysTrain && !saysNGram;   // `train --model ngram` uses no libtorch
            foreach (var (callee, afterFalse) in calls)
            {
                if (Reason(callee, makesGenerator, afterFalse) is { } reason) _reasons.Add($"{Name(method)}: {reason}");
                if (callee.DeclaringType?.FullName == "TextTagger.Cli.TextTaggerCli" && callee.Name == "Run")
                {
                    _callsCli = true;
                    _cliCaller ??= Name(method);
                }
                if (callee.Module.Assembly != assembly) continue;
                Visit(callee);
                // Its lambdas, local functions and state machines live in compiler-generated members named after it.
                var declaring = callee.DeclaringType!;
                foreach (var related in WithNested(declaring).SelectMany(Members).Where(m => Nested(m, callee.Name))) Visit(related);
            }
        }

        static bool Nested(MethodBase member, string name) =>
            member.Name.StartsWith($"<{name}>", StringComparison.Ordinal) || member.DeclaringType!.Name.StartsWith($"<{name}>", StringComparison.Ordinal);

        static string? Reason(MethodBase callee, bool makesGenerator, bool afterFalse)
        {
            string? type = callee.DeclaringType?.FullName;
            if (type == null) return null;
            if (type.StartsWith("TorchSharp.", StringComparison.Ordinal))
            {
                if (Seeding.Contains(callee.Name)) return $"seeds libtorch's global generator ({callee.Name})";
                if (Drawing.Contains(callee.Name) && !makesGenerator) return $"draws from libtorch's global generator ({callee.Name})";
                if (callee.Name == "train" && !afterFalse && IsModule(callee.DeclaringType!)) return "puts a module in training mode (dropout draws)";
                return null;
            }
            if (ProjectDrawing.Contains($"{type}.{callee.Name}")) return $"draws from libtorch's global generator ({type}.{callee.Name})";
            if (type.StartsWith("TextTagger.Training.", StringComparison.Ordinal) && (callee.DeclaringType!.Name is "Trainer" || callee.Name == "TrainingStep"))
                return $"trains ({callee.DeclaringType.Name}.{callee.Name})";
            return null;
        }

        static bool IsModule(Type type)
        {
            for (var t = type; t != null; t = t.BaseType)
                if (t.FullName == "TorchSharp.torch+nn+Module") return true;
            return false;
        }

        static MethodBase? Resolve(MethodBase method, int token)
        {
            try
            {
                return method.Module.ResolveMethod(token, method.DeclaringType?.GetGenericArguments(),
                                                   method.IsGenericMethod ? method.GetGenericArguments() : null);
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMethodException)
            {
                return null;
            }
        }

        static string Name(MethodBase method) => $"{method.DeclaringType?.Name}.{method.Name}";
    }

    static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
