#include "app/cli_commands.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/paths.h"

namespace {

std::atomic<bool> g_interrupted{false};

void on_sigint(int) { g_interrupted.store(true); }

void print_stats(const flamingo::GenerationStats& s) {
  std::fprintf(stderr,
               "\n[%s] prompt tokens: %d, prefill: %.1f ms (%.1f tokens/s), time to first "
               "token: %.1f ms, new tokens: %d, decode: %.1f tokens/s\n",
               flamingo::stop_reason_name(s.stop_reason), s.prompt_tokens, s.prefill_ms,
               s.prefill_tokens_per_s(), s.time_to_first_token_ms, s.new_tokens,
               s.decode_tokens_per_s());
}

template <typename F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const flamingo::Error& e) {
    std::cerr << "flamingo: error: " << e.what() << "\n";
  } catch (const std::bad_alloc&) {
    std::cerr << "flamingo: error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "flamingo: internal error: " << e.what() << "\n";
  }
  return 1;
}

}  // namespace

int run_generate(const GenerateArgs& args) {
  return guarded([&] {
    auto model = flamingo::Model::load(args.model_dir, args.load);
    flamingo::Session session(model);
    session.append_text(args.prompt, args.media);
    auto options = args.options;
    options.stop_strings = args.stop_strings;
    // Flamingo ends an answer with <|endofchunk|>; plain language models with EOS.
    for (int id : {model->config().special_tokens.eos, model->config().special_tokens.end_of_chunk})
      if (id >= 0) options.stop_tokens.push_back(id);
    // Ctrl-C stops generation cleanly, keeping what was printed.
    std::signal(SIGINT, on_sigint);
    auto print = [](const std::string& piece) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      std::fflush(stdout);
    };
    auto result = session.generate(options, print, &g_interrupted);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    if (!args.quiet) print_stats(result.stats);
    return 0;
  });
}

int run_score(const ScoreArgs& args) {
  return guarded([&] {
    auto model = flamingo::Model::load(args.model_dir, args.load);
    flamingo::Session session(model);
    session.append_text(args.prompt, args.media);
    for (const auto& s : session.score_options(args.options)) {
      std::printf("%10.4f  \"%s\"  [", s.total, s.option.c_str());
      for (size_t i = 0; i < s.per_token.size(); ++i) std::printf("%s%.4f", i ? " " : "", s.per_token[i]);
      std::printf("]\n");
    }
    return 0;
  });
}

int run_init_random(const InitRandomArgs& args) {
  return guarded([&] {
    flamingo::Model::write_random_weights(args.dir, args.seed, args.gate, args.dtype);
    std::cerr << "wrote untrained weights to " << args.dir << "/model.safetensors\n";
    return 0;
  });
}

int run_convert_llama2c(const flamingo::Llama2cImportOptions& options) {
  return guarded([&] {
    flamingo::import_llama2c(options);
    std::cerr << "wrote model directory " << options.out_dir << "\n";
    return 0;
  });
}

int run_bench(const flamingo::BenchOptions& options) {
  return guarded([&] {
    if (options.synthetic == "3b") {
      flamingo::run_flamingo_synthetic_bench(options, std::cout);
    } else if (options.media > 0) {
      flamingo::run_media_bench(options, std::cout);
    } else {
      flamingo::run_bench(options, std::cout);
    }
    return 0;
  });
}

// The headless main job: the bundled model answers the few-shot card of the
// bundled samples (the same cards the application's welcome panel offers).
int run_demo(const flamingo::LoadOptions& load) {
  const std::string dir = flamingo::bundled_model_dir();
  const std::string samples = flamingo::bundled_samples_dir();
  if (dir.empty() || samples.empty()) {
    std::cerr << "flamingo: no model is bundled yet, so there is no demo to run.\n"
                 "Convert one with `flamingo convert-llama2c` and run `flamingo generate --model DIR`.\n";
    return 1;
  }
  return guarded([&] {
    std::ifstream in(samples + "/samples.json");
    const auto cards = nlohmann::json::parse(in).at("cards");
    int status = 0;
    for (const auto& card : cards) {
      GenerateArgs args;
      args.model_dir = dir;
      args.load = load;
      args.prompt = card.at("prompt").get<std::string>();
      for (const auto& m : card.at("media")) args.media.push_back(samples + "/" + m.get<std::string>());
      args.options.sampling.temperature = 0;
      args.options.max_new_tokens = 48;
      args.stop_strings = {"<|endofchunk|>", "\n"};
      args.quiet = true;
      std::cout << "== " << card.at("title").get<std::string>() << "\n" << args.prompt << "\n-> ";
      std::cout.flush();
      status |= run_generate(args);
      std::cout << "   (expected: " << card.value("answer", "") << ")\n";
    }
    return status;
  });
}
