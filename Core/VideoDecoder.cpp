// placeholder, filled in below
namespace neuroplayback {}
