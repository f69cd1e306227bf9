# The designs of the model goldens, sourced by make_refs_models.R and make_refs_predict.R
# (run from the repository root): the fixtures and designs of golden.json exactly as
# make_refs.R builds them (build(name)), and clus1 raked or poststratified to apipop's
# margins (design_of("raked"), design_of("poststratified")).

suppressPackageStartupMessages(library(survey))
suppressPackageStartupMessages(library(jsonlite))

fixture <- function(name)
  read.csv(file.path("tests", "reference", "fixtures", paste0(name, ".csv")),
           check.names = FALSE, stringsAsFactors = TRUE, na.strings = "")
golden <- fromJSON(file.path("tests", "reference", "golden.json"), simplifyVector = FALSE)

# The replicate fixtures and designs exactly as make_refs.R builds them.
formula_of <- function(cols) {
  if (is.null(cols)) return(NULL)
  as.formula(paste("~", paste0("`", unlist(cols), "`", collapse = " + ")))
}
build <- function(name) {
  s <- golden$designs[[name]]
  if (identical(s$kind, "from_design")) {
    type <- c(jk1 = "JK1", jkn = "JKn", brr = "BRR", fay = "Fay")[[s$method]]
    if (type == "Fay")
      return(as.svrepdesign(build(s$base), type = type, fay.rho = s$fay_rho))
    return(as.svrepdesign(build(s$base), type = type))
  }
  if (identical(s$kind, "replicate")) {
    type <- c(jk1 = "JK1", jkn = "JKn", brr = "BRR", fay = "Fay",
              bootstrap = "bootstrap")[[s$method]]
    return(svrepdesign(data = fixture(s$data), repweights = s$replicate_weights,
                       weights = formula_of(s$weights), type = type,
                       scale = s$scale, rscales = unlist(s$rscales), rho = s$fay_rho,
                       combined.weights = TRUE, mse = s$mse))
  }
  svydesign(ids = if (is.null(s$psu)) ~1 else formula_of(s$psu),
            strata = formula_of(s$strata), weights = formula_of(s$weights),
            fpc = formula_of(s$fpc), nest = s$nest, data = fixture(s$data))
}

data(api)
pop_stype <- as.data.frame(table(stype = apipop$stype))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = as.vector(table(apipop$sch.wide)))
reweighted <- list(
  raked = function() rake(build("clus1"), list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
                          control = list(maxit = 1000, epsilon = 1e-10)),
  poststratified = function() postStratify(build("clus1"), ~stype, pop_stype))
design_of <- function(name) if (name %in% names(reweighted)) reweighted[[name]]() else build(name)
