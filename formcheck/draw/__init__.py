"""Drawing: primitives (colours, sizes, text), layout (panels off the athlete), panels, frame
(one frame's overlay), card (the end card); overlay is the public face."""
