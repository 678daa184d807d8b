using TextTagger.Cli;

return TextTaggerCli.Run(args);
